using LlmLab.Inference.Quantization;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 9.3 at the smoke profile, and its config guards.</summary>
public sealed class Part09QuantizationLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab93-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report_and_checkpoints()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new QuantizationLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "perplexity-vs-bits.png", "model-f32.llqw", "model-q8_0.llqw", "model-q4_0.llqw" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        // The files are real checkpoints: Q4_0 blocks take 18/34 of Q8_0's bytes, and both read back.
        var q8 = QuantizedCheckpoint.Load(Path.Combine(dir, "model-q8_0.llqw"));
        var q4 = QuantizedCheckpoint.Load(Path.Combine(dir, "model-q4_0.llqw"));
        long Blocks(QuantizedCheckpoint c) => c.Entries.Where(e => e.Format != QuantFormat.F32).Sum(e => (long)e.Data.Length);
        Assert.Equal(Blocks(q8) * 18, Blocks(q4) * 34);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains("Q8_0: perplexity increase ≤ 0.5%", names);
        Assert.Contains("Q4_0: perplexity increase ≤ 5% (4-bit, group 32)", names);
        Assert.Contains("int4 asymmetric, g32: perplexity increase ≤ 5% (4-bit, group 32)", names);
        Assert.Contains("Int4Symmetric: relative weight error grows with the group (g32 < g64)", names);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("+0.0026 (Q8_0) and +0.4685 (Q4_0)", report);
        Assert.Contains("Q8_0 dequantize + matmul µs", report);
        Assert.Contains("| int4 symmetric, g64 | 4.25 |", report); // 4 bits + an fp16 scale per 64 weights
    }

    [Theory]
    [InlineData(Profile.Smoke)]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_profile_s_defaults_are_valid(Profile profile)
    {
        ILab lab = new QuantizationLab();
        lab.Validate(lab.DefaultConfig(profile));
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new QuantizationLab();
        var cfg = QuantizationConfig.For(Profile.Smoke);
        Assert.Contains("--set groups=64", Assert.Throws<InputException>(() => lab.Validate(cfg with { Groups = [64] })).Message);
        Assert.Contains("--set width=64: width must be a multiple of every group (128)", Assert.Throws<InputException>(() => lab.Validate(cfg with { Groups = [32, 128] })).Message);
        Assert.Contains("--set width=48: width must be a multiple of the ggml block (32)", Assert.Throws<InputException>(() => lab.Validate(cfg with { Width = 48, Groups = [32] })).Message);
        Assert.Contains("--set generate_tokens=30", Assert.Throws<InputException>(() => lab.Validate(cfg with { GenerateTokens = 30 })).Message);
        Assert.Contains("--set tokenizer=words", Assert.Throws<InputException>(() => lab.Validate(cfg with { Tokenizer = "words" })).Message);
    }
}
