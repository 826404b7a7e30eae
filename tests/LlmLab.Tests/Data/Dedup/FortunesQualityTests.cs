using LlmLab.Text;
using LlmLab.Data.Dedup;

namespace LlmLab.Tests.Data.Dedup;

/// <summary>Near-dup quality on real data: Debian's fortunes package (CI installs it).</summary>
public class FortunesQualityTests
{
    /// <summary>Files that share quotations with each other (found by brute force over the whole package): 979 entries.</summary>
    static readonly string[] Sample = ["knghtbrd", "linux", "linuxcookie"];

    static FortuneSource Fortunes()
    {
        Assert.True(FortuneSource.IsInstalled(),
            "these tests need Debian's 'fortunes' package (/usr/share/games/fortunes): apt-get install fortunes");
        return FortuneSource.Installed(Sample);
    }

    [Fact]
    public void Fortune_files_are_read_as_entries_between_percent_lines()
    {
        var docs = Fortunes().Read().ToList();
        Assert.Equal(979, docs.Count);
        Assert.Equal("knghtbrd:1", docs[0].Id);
        Assert.All(docs, d => Assert.DoesNotContain("\n%\n", d.Text));
        var e = Assert.Throws<InputException>(() => FortuneSource.Installed(null, "/nonexistent"));
        Assert.Contains("'fortunes' package is not installed", e.Message);
        Assert.Contains("apt-get install fortunes", e.Message);
    }

    [Fact]
    public void Near_dup_pairs_at_jaccard_0_8_have_F1_of_at_least_0_95_against_brute_force()
    {
        var source = Fortunes();
        using var t = new DedupTestData();
        var options = new DedupOptions { Threads = 2 };
        var r = DedupPipeline.Run(source, t.Work, null, options);
        var shingles = source.Read().Select(d => Shingler.Shingles(TextNormalizer.Normalize(d.Text, options.Normalization),
            options.ShingleKind, options.ShingleSize)).ToList();
        var q = DedupEvaluation.Evaluate(shingles, r.Decisions!, DedupPipeline.CandidatePairs(t.Work), options.Threshold,
            binsFrom: options.Threshold, threads: 2);
        string what =
            $"P {q.Precision:F4} R {q.Recall:F4} F1 {q.F1:F4} (true {q.TruePairs}, found {q.FoundPairs}, correct {q.CorrectPairs})";
        Assert.True(q.F1 >= 0.95, what);
        Assert.Equal(60, q.TruePairs); // pairs with J ≥ 0.8 in these files (a change of shingling or normalisation moves it)
    }
}
