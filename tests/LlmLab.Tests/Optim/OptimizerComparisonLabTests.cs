using LlmLab.Labs.Framework;
using LlmLab.Labs.Part02;
using LlmLab.Reporting;

namespace LlmLab.Tests.Optim;

public sealed class OptimizerComparisonLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab23-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    RunSummary Run(params (string Key, string Value)[] sets) =>
        new LabRunner(NullProgress.Instance, TextWriter.Null).Run([new OptimizerComparisonLab()],
            new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: sets.Select(s => KeyValuePair.Create(s.Key, s.Value))
                .ToList()));

    [Fact]
    public void Lab_passes_at_smoke_and_draws_its_figures()
    {
        var summary = Run();
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "rosenbrock-paths.png", "rosenbrock-f.png", "schedules.png", "lm-loss.png",
                     "lm-sweep.png", "grid-adam.png", "grid-adamw.png", "grid-best-lr.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Contains(r.Checks, c => c.Name.StartsWith("AdamW matches torch.optim.AdamW") && c.Passed);
        Assert.Contains(r.Checks, c => c.Name.StartsWith("Rosenbrock: SGD") && c.Passed);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("spread of log10(best lr)", report);
        Assert.Contains("reported, not checked", report);
        Assert.Contains("weight_decay = λ / lr", report);
    }

    [Theory]
    [InlineData(Profile.Smoke)]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_profile_is_a_valid_config(Profile profile)
    {
        ILab lab = new OptimizerComparisonLab();
        lab.Validate(lab.DefaultConfig(profile));
        var cfg = (OptimizerComparisonConfig)lab.DefaultConfig(profile);
        Assert.Equal(cfg.GridLrs.Count, cfg.GridLrs.Distinct().Count());
        Assert.Equal("paper", cfg.AdamwDecayMode);
    }

    [Fact]
    public void Bad_settings_name_the_key()
    {
        Assert.Contains("adamw_decay_mode must be 'paper'", Assert.Throws<InputException>(() => Run(("adamw_decay_mode", "both"))).Message);
        Assert.Contains("per-step shrink and must be < 1 (got 2)", Assert.Throws<InputException>(() => Run(("grid_adamw_decays", "0.5,2")))
            .Message);
        Assert.Contains("--set grid_lrs", Assert.Throws<InputException>(() => Run(("grid_lrs", "0"))).Message);
    }
}
