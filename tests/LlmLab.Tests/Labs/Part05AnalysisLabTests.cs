using LlmLab.Labs.Framework;
using LlmLab.Labs.Part05;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 5.2 at the smoke profile, and its config guards.</summary>
public sealed class Part05AnalysisLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab52-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new CorpusAnalysisLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "lengths.png", "zipf.png", "heaps.png", "languages.png",
                     "quality-gopher.png", "quality-gopher-repetition.png", "quality-c4.png", "quality-fineweb.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("What each filter would remove", report);
        Assert.Contains("Held-out confusion", report);
        Assert.Contains("Rae et al. 2021, table A1", report);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("statistics of two halves merged = one pass", StringComparison.Ordinal));
        Assert.Contains("Zipf exponent s of word types", names);
        Assert.Contains("Heaps exponent β", names);
        Assert.Contains(names, n => n.StartsWith("language identifier accuracy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tokenizer", "bert")]
    [InlineData("workers", "0")]
    [InlineData("zipf_max_rank", "3")]
    [InlineData("lang_id_min_accuracy", "1.5")]
    public void Bad_config_names_the_key(string key, string value)
    {
        var e = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new CorpusAnalysisLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new(key, value)])));
        Assert.Contains(key, e.Message);
    }
}
