using LlmLab.Alignment.Refusal;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part07;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 7.3 at the smoke profile, and its config guards.</summary>
public sealed class Part07RefusalLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab73-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_writes_its_data_gates_and_plots_and_runs_all_three_methods()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new RefusalLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "pairs.jsonl", "refusal-sft.jsonl", "gate-ngram.json", "gate-minilm.json",
            "threshold-sweep.png", "methods.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.Equal(0.5, RefusalGateFile.Load(Path.Combine(dir, "gate-ngram.json")).Threshold);
        var dpo = Assert.Single(r.Checks, c => c.Name.StartsWith("method 3", StringComparison.Ordinal));
        Assert.Equal(CheckOutcome.Passed, dpo.Outcome);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| SFT with refusal examples |", report);
        Assert.Contains($"| {RefusalLab.DpoName} |", report);
        Assert.Contains("over-refusal (refused a safe one)", report);
    }

    [Theory]
    [InlineData(Profile.Smoke)]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_profile_s_defaults_are_valid(Profile profile)
    {
        ILab lab = new RefusalLab();
        lab.Validate(lab.DefaultConfig(profile));
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new RefusalLab();
        var cfg = RefusalLabConfig.For(Profile.Smoke);
        Assert.Contains("threshold", Assert.Throws<InputException>(() => lab.Validate(cfg with { Threshold = 2 })).Message);
        Assert.Contains("train_per_category", Assert.Throws<InputException>(() => lab.Validate(cfg with { TrainPerCategory = 0 })).Message);
    }
}
