using System.Globalization;
using LlmLab.Agents.Agent;
using LlmLab.Agents.Tools;
using LlmLab.Retrieval.Answering;
using LlmLab.Alignment;
using Microsoft.Extensions.AI;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab data synth</c>: a synthetic SFT dataset (lab 7.1's task families) as OpenAI-chat JSONL, split by
/// template into a training and a test file, the training set decontaminated against the test set.</summary>
public sealed class DataSynthCommand : CliCommand
{
    public override string Name => "data synth";
    public override string Summary => "generate checkable chat tasks (arithmetic, units, dates, strings, extraction, tool calls; agent_tools by name) as JSONL";
    public override string Usage =>
        "--out TRAIN.jsonl --test-out TEST.jsonl [--families all|a,b,…] [--n 5000] [--test-n 500] [--test-templates 2] [--difficulty 1] [--seed 0]" +
        " [--teacher-model M [--teacher-base-url URL] [--teacher-fraction 1] [--teacher-no-verify]]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "out", "test-out", "families", "n", "test-n",
        "test-templates", "difficulty", "seed",
        "teacher-model", "teacher-base-url", "teacher-fraction" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "teacher-no-verify" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no positional argument");
        string train = args.Get("out") ?? throw new UsageException("--out TRAIN.jsonl is required", this);
        string test = args.Get("test-out") ?? throw new UsageException("--test-out TEST.jsonl is required (the held-out templates)", this);
        if (Path.GetFullPath(train) == Path.GetFullPath(test)) throw new UsageException("--out and --test-out must be different files",
            this);
        var families = TaskFamilies.Parse(args.Get("families"));
        int n = args.GetInt("n", 5000, 1), testN = args.GetInt("test-n", 500, 1);
        var options = new SyntheticDataOptions(
            TrainPerFamily: (n + families.Count - 1) / families.Count, TestPerFamily: (testN + families.Count - 1) / families.Count,
            TestTemplates: args.GetInt("test-templates", 2, 1), Difficulty: args.GetInt("difficulty", 1, 1, 3),
                Seed: args.GetInt("seed", 0));
        // The teacher (any OpenAI-compatible endpoint; key from OPENAI_API_KEY) rewrites training prompts; every rewrite
        // is filtered (values kept, not near the test set, answer verified) before it replaces one. Checked before any work.
        IChatClient? teacher = null;
        ParaphraseOptions? teach = null;
        if (args.Get("teacher-model") is { } teacherModel)
        {
            teach = new ParaphraseOptions(Fraction: args.GetDouble("teacher-fraction", 1.0, 0), Verify: !args.Flag("teacher-no-verify"),
                Seed: options.Seed);
            teach.Validate();
            teacher = OpenAiCompatible.Create(args.Get("teacher-base-url"), teacherModel, what: "--teacher-base-url");
        }
        else if (args.Get("teacher-base-url") is not null || args.Get("teacher-fraction") is not null || args.Flag("teacher-no-verify"))
            throw new UsageException("--teacher-base-url, --teacher-fraction and --teacher-no-verify need --teacher-model", this);
        // agent_tools runs lab 8.2's real tools (a sample workspace in a temporary folder, the lab's stopped clock), so its
        // conversations go on past the call: the tool's output, then the answer built from it.
        string? workspace = null;
        SyntheticDataset data;
        try
        {
            if (families.Any(f => f is AgentToolsFamily))
            {
                workspace = Directory.CreateTempSubdirectory("llmlab-synth-tools-").FullName;
                var tools = SampleWorkspace.Create(workspace).Tools(AgentTaskSet.Clock);
                families = [.. families.Select(f => f is AgentToolsFamily ? AgentToolsData.Family(tools) : f)];
            }
            data = SyntheticDataset.Generate(families, options);
        }
        finally
        {
            if (workspace is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(workspace, recursive: true);
            }
        }
        string? teacherSummary = null;
        if (teacher is not null)
        {
            var report = TeacherParaphraser.ParaphraseAsync(data, families, teacher, teach!).GetAwaiter().GetResult();
            (data, teacherSummary) = (report.Dataset, report.Summary());
        }
        ChatJsonl.Write(train, data.Train);
        ChatJsonl.Write(test, data.Test);
        @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {data.Train.Count:N0} training conversations to {train} and {data.Test.Count:N0} test conversations to {test}"));
        @out.WriteLine($"families   {string.Join(", ", families.Select(f => $"{f.Name} (train templates {string.Join(",", SyntheticDataset.TrainTemplates(f, options))}; " +
            $"test {string.Join(",", SyntheticDataset.TestTemplates(f, options))})"))}");
        @out.WriteLine($"decontaminated: {data.ExactRemoved} exact and {data.NearRemoved} near duplicates of test conversations dropped from training");
        if (teacherSummary is not null) @out.WriteLine(teacherSummary);
        return 0;
    }
}
