using LlmLab.Labs.Framework;
using LlmLab.Labs.Part08;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 8.3 at the smoke profile, and its config guards.</summary>
public sealed class Part08MemoryLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab83-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new MemoryLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "accuracy.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains("memory retrieval: evidence turns in the top 5 (recall@5)", names);
        Assert.Contains("reference answerer without memory: accuracy vs the share of no-answer questions", names);
        Assert.Contains(names, n => n.StartsWith("occurrences of ", StringComparison.Ordinal));
        Assert.Contains("local GPT", File.ReadAllText(Path.Combine(dir, "report.md")));
    }

    [Theory]
    [InlineData("k", "0")]
    [InlineData("eval_set", "/no/such/set.json")]
    [InlineData("min_recall_at_k", "2")]
    public void Bad_config_names_the_key(string key, string value)
    {
        var e = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new MemoryLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new(key, value)])));
        Assert.Contains(key, e.Message);
    }
}
