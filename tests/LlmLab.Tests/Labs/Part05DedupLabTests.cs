using LlmLab.Labs.Framework;
using LlmLab.Labs.Part05;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 5.1 at the smoke profile (needs Debian's fortunes package for its fortunes checks), and its config guards.</summary>
public sealed class Part05DedupLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab51-").FullName;

    public void Dispose() => Console.WriteLine("KEEP " + _root);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        Assert.True(LlmLab.Data.Dedup.FortuneSource.IsInstalled(), "lab 5.1's test needs Debian's 'fortunes' package: apt-get install fortunes");
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new DedupLab()], new LabRunOptions(Profile.Quick, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "s-curve.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("9 bands × 13 rows", report);
        Assert.Contains("removed as exact duplicates", report);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("fortunes: near-dup pairs at J ≥ 0.8, F1 vs brute force", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("cluster ids and decisions identical with 1 and", StringComparison.Ordinal));
        Assert.Contains("b × r for J ≥ 0.8, 128 permutations = 9 × 13 (datasketch's rule, integrals in exact rational arithmetic)", names);
    }

    [Theory]
    [InlineData("threshold", "1.5")]
    [InlineData("sample_documents", "5")]
    [InlineData("permutations", "0")]
    public void Bad_config_names_the_key(string key, string value)
    {
        var e = Assert.Throws<InputException>(() => new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new DedupLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new(key, value)])));
        Assert.Contains(key, e.Message);
    }
}
