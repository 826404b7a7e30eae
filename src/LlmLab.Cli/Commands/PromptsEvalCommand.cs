using System.Globalization;
using LlmLab.Agents.Prompts;
using Microsoft.Extensions.AI;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab prompts eval FILE</c>: asks every provider every test with every prompt variant, judges the
/// replies by the tests' assertions, prints the matrix (variant × test: pass/fail) and writes report.md, report.html and
/// results.json. Exit 0 when every cell passed, 1 when one failed, 2 for a bad file or option, 130 on Ctrl-C.</summary>
public sealed class PromptsEvalCommand : CliCommand
{
    public override string Name => "prompts eval";
    public override string Summary => "evaluate prompt variants × tests × providers from a YAML file (matrix + HTML/JSON report)";
    public override string Usage => "<prompts.yaml> [--provider local:DIR|openai:MODEL|ID]… [--openai-base-url URL] [--out DIR]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "provider", "openai-base-url", "out" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the prompt file");
        var suite = PromptSuiteReader.Load(args.Positionals[0]);
        var specs = args.GetAll("provider").Select(p => suite.Providers.FirstOrDefault(s => s.Id == p) ?? ProviderSpec.Parse(p)).ToList();
        if (specs.Count == 0) specs = [.. suite.Providers];
        if (specs.Count == 0)
            throw new InputException($"{suite.Source}: no providers: add a providers list to the file or give --provider " +
                "local:DIR or openai:MODEL");
        string outDir = args.Get("out") ?? Path.Combine("runs", "prompts-" + DateTime.Now.ToString("yyyyMMdd-HHmmss",
            CultureInfo.InvariantCulture));
        OutputPaths.Directory(outDir, args.Get("out") is null ? "the report directory" : "--out");
        var providers = new List<PromptProvider>();
        try
        {
            foreach (var s in specs) providers.Add(PromptProvider.Open(s, args.Get("openai-base-url")));
            using var interruption = new Interruption(@out, "stopping after this call (Ctrl-C again to stop at once)");
            int cells = specs.Count * suite.Variants.Count * suite.Tests.Count, done = 0;
            PromptEvalResult result;
            try
            {
                result = PromptEvaluator.Run(suite, providers.Select(p => KeyValuePair.Create(p.Id, p.Client)).ToList(),
                    c => { if (++done % 50 == 0) @out.WriteLine($"{done}/{cells} cells"); }, interruption.Token);
            }
            catch (OperationCanceledException e)
            {
                throw new CliInterruptedException($"stopped after {done} of {cells} cells; no report written", e);
            }
            @out.Write(PromptMatrix.Text(result));
            PromptEvalReport.Write(result, outDir);
            @out.WriteLine($"report: {Path.GetFullPath(Path.Combine(outDir, "report.html"))} (every cell in results.json)");
            return result.AllPassed ? 0 : 1;
        }
        finally
        {
            foreach (var p in providers) p.Dispose();
        }
    }
}
