using LlmLab.Alignment;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part07;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Lab 7.2 at the smoke profile, and its config guards.</summary>
public sealed class Part07DpoPpoLabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-lab72-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lab_passes_at_smoke_and_writes_its_pairs_report_and_plots()
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([new DpoPpoLab()], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root));
        var r = Assert.Single(summary.Results);
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        string dir = Path.Combine(summary.Directory, r.Directory);
        foreach (string f in new[] { "report.md", "result.json", "pairs.jsonl", "reward-over-steps.png", "kl-over-steps.png", "reward-kl-frontier.png",
                     "accuracy-per-family.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        var pairs = PreferenceJsonl.Read(Path.Combine(dir, "pairs.jsonl"));   // the strict reader takes what the lab wrote
        Assert.All(pairs, p => Assert.False(TaskFamilies.ByName(p.Family!).Check(p.Chosen, p.Rejected).Correct));
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        foreach (string row in new[] { "| SFT |", "| DPO |", "| PPO (reward model) |", "| PPO (checker reward) |", "Reward hacking?" })
            Assert.Contains(row, report);
        Assert.Contains(r.Checks, c => c.Name.StartsWith("DPO loss at step 1", StringComparison.Ordinal) && c.Passed);
    }

    [Theory]
    [InlineData(Profile.Smoke)]
    [InlineData(Profile.Quick)]
    [InlineData(Profile.Full)]
    public void Every_profile_s_defaults_are_valid(Profile profile)
    {
        ILab lab = new DpoPpoLab();
        lab.Validate(lab.DefaultConfig(profile));
    }

    [Fact]
    public void Bad_config_names_the_key()
    {
        ILab lab = new DpoPpoLab();
        var cfg = DpoPpoLabConfig.For(Profile.Smoke);
        Assert.Contains("kl", Assert.Throws<InputException>(() => lab.Validate(cfg with { Kl = "k2" })).Message);
        Assert.Contains("prompt_budget", Assert.Throws<InputException>(() => lab.Validate(cfg with { PromptBudget = 17 })).Message);
        Assert.Contains("dpo_beta", Assert.Throws<InputException>(() => lab.Validate(cfg with { DpoBeta = 0 })).Message);
    }
}
