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
        Assert.True(LlmLab.Text.FortuneSource.IsInstalled(), "lab 5.1's test needs Debian's 'fortunes' package: apt-get install fortunes");
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new DedupLab()], new LabRunOptions(Profile.Quick, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "s-curve.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("16 bands × 8 rows", report);
        Assert.Contains("Planted near-duplicates: recall per similarity bin", report);
        Assert.Contains("removed as exact duplicates", report);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("fortunes: near-dup pairs at J ≥ 0.8, F1 vs brute force", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("cluster ids and decisions identical with 1 and", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("b × r = datasketch's rule at weights 0.05 / 0.95", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("planted set: near-dup pairs at J ≥ 0.8, F1 vs brute force", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_fortunes_package_the_lab_fails_on_one_check_that_names_it()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null).Run([new DedupLab()],
            new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: [new("fortunes_folder", "/nonexistent/fortunes")]));
        var r = Assert.Single(summary.Results);
        Assert.False(r.Passed);
        var failed = Assert.Single(r.Checks, c => !c.Passed);
        Assert.Contains("'fortunes' package", failed.Name);
        Assert.Contains("apt-get install fortunes", failed.Name);
        Assert.Contains("not installed: /nonexistent/fortunes", failed.Measured);
        // Everything else ran and passed: the banding against datasketch's rule, exact dedup against string equality,
        // the planted set's F1 and its candidate rate against the S-curve.
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("b × r = datasketch's rule", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("exact duplicates removed = documents whose normalised text", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("planted set: candidate rate just above the threshold", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("documents removed as exact or near duplicates", StringComparison.Ordinal));
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
