using LlmLab.Planning;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab usecase check FILE</c>: every finding on one line, then a summary. Exit 0 without errors
/// (warnings allowed), 1 when the spec has errors, 2 when the file is missing or cannot be parsed.</summary>
public sealed class UseCaseCheckCommand : CliCommand
{
    public override string Name => "usecase check";
    public override string Summary => "check a use-case specification: missing or unmeasurable items, memory fit, reachable latency";
    public override string Usage => "<file.yaml|file.json>";

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the spec file to check");
        var result = UseCaseChecker.Check(args.Positionals[0]);
        foreach (var f in result.Findings) @out.WriteLine(f);
        if (result.Sizing is { } s)
            foreach (string line in s.Describe()) @out.WriteLine("note    " + line);
        @out.WriteLine($"{result.Source}: {result.ErrorCount} error{(result.ErrorCount == 1 ? "" : "s")}, " +
                       $"{result.WarningCount} warning{(result.WarningCount == 1 ? "" : "s")} — " +
                       (result.Passed ? "complete" : "fix the errors above and check again"));
        return result.Passed ? 0 : 1;
    }
}
