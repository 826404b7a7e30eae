using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part06;
using LlmLab.Reporting;
using LlmLab.Tests.Training;

namespace LlmLab.Tests.Labs;

[Collection(TrainerCollection.Name)] // it compares runs bit for bit: alone with libtorch's global generator
public sealed class Part06PretrainingLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab6-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new PretrainingLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "loss.png", "lr-gradnorm.png", "throughput.png", "scaling-params.png", "scaling-compute.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        foreach (string s in new[] { "Samples at each checkpoint", "Stop and resume", "Scaling at a fixed token budget", "GPT-2 small (124M)", "10B tokens" })
            Assert.Contains(s, report);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        string checks = string.Join("\n", result.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        foreach (string name in new[] { "training loss decreases", "below the unigram baseline", "resume is exact", "same with the same seed", "largest model ends below" })
            Assert.Contains(name, checks);
        Assert.True(Directory.Exists(Path.Combine(dir, "checkpoints")));
    }

    [Theory]
    [InlineData("width=33", "heads")]
    [InlineData("tokenizer=sentencepiece", "bpe or gpt2")]
    [InlineData("scaling_widths=48", "at least two widths")]
    [InlineData("scaling_widths=16,40", "scaling_head_size")]
    [InlineData("precision=fp16", "fp32 or bf16")]
    public void Bad_settings_are_refused_before_anything_runs(string set, string message)
    {
        var lab = (ILab)new PretrainingLab();
        var config = ConfigOverrides.Apply(lab.DefaultConfig(Profile.Smoke), ConfigOverrides.Parse([set]), "lab 6");
        Assert.Contains(message, Assert.Throws<InputException>(() => lab.Validate(config)).Message);
    }

    [Fact]
    public void The_full_preset_is_gpt2_small_with_llm_c_recipe()
    {
        var full = new PretrainingLab().Defaults(Profile.Full);
        Assert.Equal((12, 12, 768, 1024, "gpt2"), (full.Layers, full.Heads, full.Width, full.Context, full.Tokenizer));
        Assert.Equal((6e-4, 6e-5, 0.1, 0.95, 524_288L, 19_073), (full.LearningRate, full.MinLearningRate, full.WeightDecay, full.Beta2, full.TokensPerStep, full.Steps));
    }
}
