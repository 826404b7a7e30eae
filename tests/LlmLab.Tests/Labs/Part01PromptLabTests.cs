using LlmLab.Labs.Framework;
using LlmLab.Labs.Part01;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 1.2 at the smoke profile: the harness checks on scripted models pass, the local model is trained when no
/// lab 7.1 run left one and found when one did; and its config guards.</summary>
public sealed class Part01PromptLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab12-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_trains_a_model_then_finds_a_7_1_one()
    {
        var runner = new LabRunner(NullProgress.Instance, TextWriter.Null);
        var summary = runner.Run([new PromptLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "pass-rates.png", "harness.json", "local.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Contains(r.Checks, c => c.Name.StartsWith("slow model: 'latency' judged fail", StringComparison.Ordinal));
        Assert.Contains(r.Checks, c => c.Name.StartsWith("exact model: 'json-schema' judged pass", StringComparison.Ordinal));
        Assert.Contains("no lab 7.1 run under the runs directory left a fine-tuned checkpoint", File.ReadAllText(Path.Combine(dir,
            "report.md")));

        // An earlier run whose lab 7.1 folder holds a fine-tuned checkpoint: the next run asks that model instead of training.
        string earlier = Path.Combine(_root, "20000101-000000", LabCatalog.Get("7.1").Slug);
        Directory.CreateDirectory(earlier);
        Directory.Move(Path.Combine(dir, "sft"), Path.Combine(earlier, "sft-full"));
        Thread.Sleep(1100); // run directories are named by the second
        var again = Assert.Single(runner.Run([new PromptLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root)).Results);
        Assert.True(again.Passed, again.Error);
        string report = File.ReadAllText(Path.Combine(_root, Directory.GetDirectories(_root).Max()!, again.Directory, "report.md"));
        Assert.Contains("the fine-tuned model a lab 7.1 run left", report);
        Assert.Contains("sft-full", report);
    }

    [Theory]
    [InlineData("tests_per_family", "0")]
    [InlineData("slow_delay_ms", "10")]
    [InlineData("model", "/nonexistent/checkpoint")]
    public void Bad_config_names_the_key(string key, string value)
    {
        var e = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new PromptLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new(key, value)])));
        Assert.Contains(key, e.Message);
    }
}
