using LlmLab.Labs.Framework;
using LlmLab.Labs.Part08;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 8.2 at the smoke profile, and its config guards.</summary>
public sealed class Part08AgentLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab82-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report_and_trace()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new AgentLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "trace.jsonl", "tasks-by-category.png",
            "workspace/shop.db" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains("scripted policy: tasks with right tools, arguments and answer (share)", names);
        Assert.Contains("with the guard: injected calls that reached a tool", names);
        Assert.Contains("over MCP: tasks graded and answered as in process (share)", names);
        // The local GPT is trained here on the agent_tools family (smoke: barely) and evaluated on every task; its scores are reported.
        Assert.Contains(r.Checks, c => c.Name.StartsWith("local GPT: tasks evaluated", StringComparison.Ordinal) && c.Passed);
        Assert.Contains(r.Checks, c => c.Name.StartsWith("the agent_tools family's tool list", StringComparison.Ordinal) && c.Passed);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("held-out agent_tools requests", report);
        Assert.True(Directory.Exists(Path.Combine(dir, "agent-exchange-sft")), "the fine-tuned model is left for later runs");
    }

    [Theory]
    [InlineData("max_calls", "0")]
    [InlineData("local_checkpoint", "/no/such/dir")]
    [InlineData("local_model", "maybe")]
    [InlineData("openai_base_url", "http://127.0.0.1:9/v1")]
    public void Bad_config_names_the_key(string key, string value)
    {
        var e = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new AgentLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new(key, value)])));
        Assert.Contains(key == "openai_base_url" ? "openai_model" : key, e.Message);
    }
}
