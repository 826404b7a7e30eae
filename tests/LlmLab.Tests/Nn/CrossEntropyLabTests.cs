using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part02;
using LlmLab.Reporting;

namespace LlmLab.Tests.Nn;

public sealed class CrossEntropyLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab21-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new CrossEntropyLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "naive-vs-stable.png", "metrics.jsonl" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("e^88.72", report);
        Assert.Contains("libtorch's fused kernel", report);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        string json = result.RootElement.GetRawText();
        Assert.Contains("fp32: the naive loss is NaN or", json);
        Assert.Contains("first NaN/", json);
        Assert.Contains("stable loss vs libtorch, fp32, extreme logits", json);
        Assert.Contains("uniform logits, V = 50,257, fp32: stable loss = ln V", json);
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new CrossEntropyLab();
        var cfg = CrossEntropyConfig.For(Profile.Smoke);
        Assert.Contains("verify_options: unknown option set 'bogus'",
            Assert.Throws<InputException>(() => lab.Validate(cfg with { VerifyOptions = ["mean", "bogus"] })).Message);
        Assert.Contains("--set sweep_to=0.05", Assert.Throws<InputException>(() => lab.Validate(cfg with { SweepTo = 0.05 })).Message);
        Assert.Contains("--set timing_vocabs=1", Assert.Throws<InputException>(() => lab.Validate(cfg with { TimingVocabs = [1] })).Message);
    }
}
