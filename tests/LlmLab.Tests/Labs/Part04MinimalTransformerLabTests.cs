using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part04;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

public sealed class Part04MinimalTransformerLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab41-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new MinimalTransformerLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "val-bpc.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("Which wins at this scale", report);
        Assert.Contains("\"n_embd\": 32", report);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        string checks = string.Join("\n", result.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(8, result.RootElement.GetProperty("checks").GetArrayLength());
        foreach (string name in new[] { "initial validation loss ≈ ln V", "greedy decoding with the KV cache", "unigram entropy" })
            Assert.Contains(name, checks);
        // 2 tokenizations × the GPT's step-0 point and 100 / 25 = 4 more (the LSTM's count depends on the machine's speed).
        Assert.Equal(10, File.ReadLines(Path.Combine(dir, "metrics.jsonl")).Count(l => l.Contains("\"model\":\"gpt\"") && l.Contains("\"val_bpc\"")));
    }

    [Theory]
    [InlineData("width=33", "heads")]
    [InlineData("position_embedding=alibi", "learned or rope")]
    [InlineData("attention=flash", "naive, tiled or sdpa")]
    [InlineData("bpe_vocab=100", "bpe_vocab")]
    public void Bad_settings_are_refused_before_anything_runs(string set, string message)
    {
        var lab = (ILab)new MinimalTransformerLab();
        var config = ConfigOverrides.Apply(lab.DefaultConfig(Profile.Smoke), ConfigOverrides.Parse([set]), "lab 4.1");
        Assert.Contains(message, Assert.Throws<InputException>(() => lab.Validate(config)).Message);
    }

    [Fact]
    public void The_full_preset_is_nanogpts_shakespeare_char_shape()
    {
        var full = new MinimalTransformerLab().Defaults(Profile.Full);
        Assert.Equal((6, 6, 384, 256, 0.2, 64, 5000), (full.Layers, full.Heads, full.Width, full.Context, full.Dropout, full.Batch, full.Steps));
    }
}
