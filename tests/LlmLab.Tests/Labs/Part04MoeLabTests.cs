using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part04;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

public sealed class Part04MoeLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab42-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_report()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new DenseVsMoeLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "val-loss.png", "expert-load.png", "expert-load-over-training.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        foreach (string s in new[] { "Side by side, at equal steps", "\"num_local_experts\": 4", "µs/token (B = 32)", "peak activation MB", "assignments dropped" })
            Assert.Contains(s, report);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json")));
        var checks = result.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(10, checks.Length);
        foreach (string name in new[] { "parameters by formula", "lower with the balance loss", "routing is deterministic", "initial validation loss" })
            Assert.Contains(checks, c => c.Contains(name, StringComparison.Ordinal));
        // Three models × (step 0 + 80 / 40 = 2 evaluations), and the two MoE models' load history (80 / 10 = 8 columns each).
        var lines = File.ReadLines(Path.Combine(dir, "metrics.jsonl")).ToArray();
        Assert.Equal(9, lines.Count(l => l.Contains("\"val_loss\"")));
        Assert.Equal(16, lines.Count(l => l.Contains("\"expert_load_share\"")));
    }

    [Theory]
    [InlineData("experts_per_token=5", "experts_per_token")]
    [InlineData("experts=1", "experts must be >= 2")]
    [InlineData("ffn_width=127", "multiple of experts_per_token")]
    [InlineData("capacity_factor=-1", "capacity_factor")]
    [InlineData("aux_loss_coef=0", "aux_loss_coef")]
    public void Bad_settings_are_refused_before_anything_runs(string set, string message)
    {
        var lab = (ILab)new DenseVsMoeLab();
        var config = ConfigOverrides.Apply(lab.DefaultConfig(Profile.Smoke), ConfigOverrides.Parse([set]), "lab 4.2");
        Assert.Contains(message, Assert.Throws<InputException>(() => lab.Validate(config)).Message);
    }

    [Fact]
    public void The_models_have_equal_active_parameters_and_the_moe_e_over_k_times_the_feed_forward()
    {
        var cfg = new DenseVsMoeLab().Defaults(Profile.Quick);
        var (dense, moe, noAux) = DenseVsMoeLab.Shapes(cfg, vocab: 512);
        Assert.Equal((8, 2, 128, 0.01), (moe.Experts, moe.ExpertsPerToken, moe.FeedForwardWidth, moe.AuxLossCoefficient));
        Assert.Equal(0, noAux.AuxLossCoefficient);
        Assert.False(dense.IsMixtureOfExperts);
        long denseMlp = LlmLab.Nn.Gpt.GptSizing.MlpParameters(dense), expert = LlmLab.Nn.Gpt.GptSizing.MlpParameters(moe);
        Assert.Equal(denseMlp + cfg.Width, 2 * expert); // two half-width experts = the dense MLP + one more c_proj bias
        Assert.InRange((double)LlmLab.Nn.Gpt.GptSizing.ActiveParameterCount(moe) / LlmLab.Nn.Gpt.GptSizing.ActiveParameterCount(dense), 1.0, 1.02);
    }
}
