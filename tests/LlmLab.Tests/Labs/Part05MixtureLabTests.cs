using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part05;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

public sealed class Part05MixtureLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab53-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new MixtureShardingLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "proportions.png", "temperature-sweep.png", "tokenizer.bin",
                     "loader-state.json", "shards/index.json", "shards/train-000000.bin", "shards/val-000000.bin" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.False(Directory.Exists(Path.Combine(dir, "shards-rebuild")));
        Assert.False(Directory.Exists(Path.Combine(dir, "shards-corrupt")));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("Target vs realised proportions", report);
        Assert.Contains("| bcl |", report);
        Assert.Contains("uint16", report);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        string checks = string.Join("\n", result.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        foreach (string name in new[] { "training tokens in the shard files",
                     "byte-identical", "resumed loader", "flipped bit", "refuse GPT-2's" })
            Assert.Contains(name, checks);
    }

    [Fact]
    public void Each_source_is_capped_at_its_own_source_bytes()
    {
        // Unequal caps (the smoke profile's): the third slice once read up to the second's cap (40,000 bytes, not 25,000).
        var cfg = MixtureShardingConfig.For(Profile.Smoke) with { SourceBytes = [30_000, 20_000, 10_000, 5_000] };
        var sources = MixtureShardingLab.Sources(cfg);
        Assert.Equal(["bcl", "aspnetcore", "extensions"], sources.Take(3).Select(s => s.Name));
        for (int k = 0; k < sources.Count; k++)
        {
            // SourceViews.Take stops at the first document that reaches the cap: every one before it is under the cap.
            var sizes = sources[k].Documents.Read().Select(d => (long)System.Text.Encoding.UTF8.GetByteCount(d.Text)).ToList();
            long total = sizes.Sum(), cap = cfg.SourceBytes[k];
            Assert.True(total - sizes[^1] < cap && total >= cap, $"{sources[k].Name}: {total:N0} bytes read for a cap of {cap:N0}");
        }
    }

    [Theory]
    [InlineData("weights=1,2", "3 weights")]
    [InlineData("vocab_size=100", "vocab_size")]
    [InlineData("val_fraction=0", "val_fraction")]
    [InlineData("temperatures=0", "temperatures")]
    public void Bad_settings_are_refused_before_anything_runs(string set, string message)
    {
        var lab = (ILab)new MixtureShardingLab();
        var config = ConfigOverrides.Apply(lab.DefaultConfig(Profile.Smoke), ConfigOverrides.Parse([set]), "lab 5.3");
        Assert.Contains(message, Assert.Throws<InputException>(() => lab.Validate(config)).Message);
    }
}
