using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part03;
using LlmLab.Reporting;

namespace LlmLab.Tests.Labs;

/// <summary>Labs 3.1 and 3.2 at the smoke profile: they pass, write their reports, and reject bad settings.</summary>
public sealed class Part03LabTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-part03-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    (LabRunResult Result, string Dir) RunSmoke(ILab lab, params string[] sets)
    {
        var summary = new LabRunner(NullProgress.Instance, TextWriter.Null)
            .Run([lab], new LabRunOptions(Profile.Smoke, Threads: 1, RunsRoot: _root, Sets: ConfigOverrides.Parse(sets)));
        var r = Assert.Single(summary.Results);
        return (r, Path.Combine(summary.Directory, r.Directory));
    }

    [Fact]
    public void Char_lm_lab_passes_at_smoke()
    {
        var (r, dir) = RunSmoke(new CharLmLab());
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        foreach (string f in new[] { "report.md", "result.json", "metrics.jsonl", "val-bpc-steps.png", "val-bpc-seconds.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("bits/char", report);
        Assert.Contains("temperature 0.5", report);
        Assert.Matches(@"step \d+ \| loss \d+\.\d{4} \| lr ", report);
        string result = File.ReadAllText(Path.Combine(dir, "result.json"));
        foreach (string claim in new[] { "initial validation loss", "well below the unigram entropy", "same seed", "matches nn.LSTM, backward" })
            Assert.Contains(claim, result);
        using var json = JsonDocument.Parse(result);
    }

    [Fact]
    public void Subword_lm_lab_passes_at_smoke()
    {
        var (r, dir) = RunSmoke(new SubwordLmLab());
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        foreach (string f in new[] { "report.md", "bits-per-byte-vs-vocab.png", "val-bits-per-byte-seconds.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        string report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("bpe-512", report);
        Assert.Contains("longest tokens", report);
        string result = File.ReadAllText(Path.Combine(dir, "result.json"));
        foreach (string claim in new[] { "decode(encode(validation text)) == text", "below its unigram baseline", "initial validation loss" })
            Assert.Contains(claim, result);
        // char + 2 BPE models, each with initial loss, unigram and parameter checks.
        Assert.Equal(3, r.Checks.Count(c => c.Name.Contains("below its unigram baseline")));
    }

    [Fact]
    public void No_lab_profile_trains_against_the_clock_by_default()
    {
        foreach (var profile in new[] { Profile.Smoke, Profile.Quick, Profile.Full })
        {
            Assert.Null(SubwordLmLabConfig.For(profile).SecondsPerModel);
            Assert.Null(CharLmLabConfig.For(profile).TimeBudgetSeconds);
            Assert.Equal(0, LlmLab.Labs.Part06.PretrainingLabConfig.For(profile).TimeBudgetSeconds);
        }
    }

    [Fact]
    public void A_time_cap_that_cuts_training_is_reported_and_its_training_checks_are_skipped_not_judged()
    {
        var (r, dir) = RunSmoke(new SubwordLmLab(), "seconds_per_model=0.01", "vocab_sizes=300");
        Assert.True(r.Passed, string.Join("\n", r.Checks.Where(c => !c.Passed)) + r.Error);
        var unigram = r.Checks.Where(c => c.Name.Contains("below its unigram baseline")).ToList();
        Assert.Equal(2, unigram.Count);
        Assert.All(unigram, c => Assert.True(c.Skipped, c.ToString()));
        Assert.All(unigram, c => Assert.Matches(@"seconds_per_model cut training at step \d+ of 60", c.Measured));
        Assert.Contains("The time cap (seconds_per_model = 0", File.ReadAllText(Path.Combine(dir, "report.md")));
    }

    [Fact]
    public void Subword_lm_lab_rejects_a_budget_the_largest_vocabulary_cannot_fit()
    {
        var e = Assert.Throws<InputException>(() => RunSmoke(new SubwordLmLab(), "vocab_sizes=512,4096"));
        Assert.Contains("--set parameters=40000", e.Message);
        Assert.Contains("raise parameters", e.Message);
    }

    [Fact]
    public void Tokens_are_shown_readably()
    {
        Assert.Equal("\"·Gets·the\\n\"", SubwordLmLab.Show(" Gets the\n"u8.ToArray()));
        Assert.Equal("0xE282", SubwordLmLab.Show([0xE2, 0x82])); // a cut UTF-8 sequence
    }

    [Fact]
    public void Char_lm_lab_rejects_an_unknown_model()
    {
        var e = Assert.Throws<InputException>(() => RunSmoke(new CharLmLab(), "models=lstm,transformer"));
        Assert.Contains("transformer", e.Message);
        Assert.Contains("rnn, gru, lstm or scratch-lstm", e.Message);
    }
}
