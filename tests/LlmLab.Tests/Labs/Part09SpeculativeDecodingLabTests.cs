using LlmLab.Nn.Gpt;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 9.2 at the smoke profile (tiny models: the correctness checks), and its config guards.</summary>
public sealed class Part09SpeculativeDecodingLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab92-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new SpeculativeDecodingLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "speedup-vs-gamma.png", "tokens-per-call.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var names = r.Checks.Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("greedy: speculative output = the target alone (GenerationEngine), 2 prompts × γ ∈ {0, 1, 2, 4}", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("sampling (T = 1, γ = 1): the first token follows the target's distribution", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("temperature 1: measured tokens per target call vs (1 − α^(γ+1)) / (1 − α)", StringComparison.Ordinal));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("What a forward costs", report);
        Assert.Contains("The goal: ≥ 2× at greedy on this CPU", report);
        Assert.Contains("Best γ", report);
    }

    [Theory]
    [InlineData(Profile.Smoke)]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_profile_s_defaults_are_valid(Profile profile)
    {
        ILab lab = new SpeculativeDecodingLab();
        lab.Validate(lab.DefaultConfig(profile));
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new SpeculativeDecodingLab();
        var cfg = SpeculativeDecodingConfig.For(Profile.Smoke);
        Assert.Contains("--set temperatures=0.7,1", Assert.Throws<InputException>(() => lab.Validate(cfg with { Temperatures = [0.7, 1.0] })).Message);
        Assert.Contains("--set gammas=0", Assert.Throws<InputException>(() => lab.Validate(cfg with { Gammas = [0, 2] })).Message);
        Assert.Contains("--set generate_tokens=40", Assert.Throws<InputException>(() => lab.Validate(cfg with { GenerateTokens = 40 })).Message);
        Assert.Contains("--set target_width=31", Assert.Throws<InputException>(() => lab.Validate(cfg with { TargetWidth = 31 })).Message);
        Assert.Contains("--set tokenizer=word", Assert.Throws<InputException>(() => lab.Validate(cfg with { Tokenizer = "word" })).Message);
    }

    [Fact]
    public void Cost_model_reduces_to_the_paper_s_improvement_factor()
    {
        // With a verify forward costing one token's (ratio 1), the prediction is (1 − α^(γ+1)) / ((1 − α)(γc + 1)),
        // Leviathan et al.'s Theorem 3.8; with α = 1 and c = 0 it is γ + 1.
        var costs = new SpeculativeDecodingLab.ForwardCosts(0.1, [1.0, 1.0, 1.0, 1.0, 1.0]);
        Assert.Equal((1 - Math.Pow(0.8, 5)) / (0.2 * (4 * 0.1 + 1)), SpeculativeDecodingLab.PredictedSpeedup(0.8, 4, costs), 12);
        Assert.Equal(5.0, SpeculativeDecodingLab.PredictedSpeedup(1, 4, costs with { DraftMs = 0 }), 12);
        var slowVerify = new SpeculativeDecodingLab.ForwardCosts(0.1, [1.0, 1.5]);
        Assert.Equal(2.0 / (1.5 + 0.1), SpeculativeDecodingLab.PredictedSpeedup(1, 1, slowVerify), 12);
    }
}
