using LlmLab.Data.Dedup;
using LlmLab.Text;

namespace LlmLab.Tests.Data.Dedup;

public class DedupResumeTests
{
    static readonly DocumentList Source = DedupTestData.Corpus(groups: 5, copies: 2, unique: 20);
    static readonly DedupOptions Options = new() { Threads = 1 };

    [Fact]
    public void Resume_reuses_current_stages_and_recomputes_from_the_first_changed_one()
    {
        using var t = new DedupTestData();
        var first = DedupPipeline.Run(Source, t.Work, t.Out, Options);
        string kept = File.ReadAllText(t.Out);

        var again = DedupPipeline.Run(Source, t.Work, t.Out, Options, resume: true);
        Assert.Equal([DedupStage.Signatures, DedupStage.Buckets, DedupStage.Clusters], again.Reused);
        Assert.Equal([DedupStage.Filter], again.Ran);
        Assert.Equal(kept, File.ReadAllText(t.Out));
        Assert.Equal(first.Decisions!.Cluster, again.Decisions!.Cluster);

        // A lost clusters file (an interrupted run): signatures and buckets are reused.
        File.Delete(Path.Combine(t.Work, "clusters.bin"));
        var resumed = DedupPipeline.Run(Source, t.Work, t.Out, Options, resume: true);
        Assert.Equal([DedupStage.Signatures, DedupStage.Buckets], resumed.Reused);
        Assert.Equal(kept, File.ReadAllText(t.Out));

        // A new threshold changes the banding: the signatures are reused, everything after is recomputed.
        var changed = DedupPipeline.Run(Source, t.Work, t.Out, Options with { Threshold = 0.9 }, resume: true);
        Assert.Equal([DedupStage.Signatures], changed.Reused);
        Assert.Equal([DedupStage.Buckets, DedupStage.Clusters, DedupStage.Filter], changed.Ran);

        // Without resume, every stage runs.
        Assert.Equal(4, DedupPipeline.Run(Source, t.Work, t.Out, Options).Ran.Count);
    }

    [Fact]
    public void Stages_run_one_at_a_time_give_the_same_result_and_a_stage_refuses_other_settings()
    {
        using var t = new DedupTestData();
        foreach (var stage in Enum.GetValues<DedupStage>())
            Assert.Equal([stage], DedupPipeline.Run(Source, t.Work, t.Out, Options, only: stage).Ran);
        string staged = File.ReadAllText(t.Out);
        using (var u = new DedupTestData())
        {
            DedupPipeline.Run(Source, u.Work, u.Out, Options);
            Assert.Equal(File.ReadAllText(u.Out), staged);
        }

        var e = Assert.Throws<InputException>(() => DedupPipeline.Run(Source, t.Work, t.Out, Options with { Permutations = 64 },
            only: DedupStage.Buckets));
        Assert.Contains("signatures.bin", e.Message);
        Assert.Contains("perm=128", e.Message);
        Assert.Contains("perm=64", e.Message);
        e = Assert.Throws<InputException>(() => DedupPipeline.Run(Source, t.Work, t.Out, Options with { Keep = KeepRule.Longest },
            only: DedupStage.Filter));
        Assert.Contains("keep=first", e.Message);
        e = Assert.Throws<InputException>(() => ClusterStage.Run(t.Work, Options with { Normalization = NormalizationOptions.None }));
        Assert.Contains("normalize=nfkc+lower+space+punct", e.Message);
    }

    [Fact]
    public void Missing_damaged_and_foreign_stage_files_are_named()
    {
        using var t = new DedupTestData();
        var e = Assert.Throws<InputException>(() => BucketStage.Run(t.Work, Options));
        Assert.Contains("signatures.bin' not found: run the signatures stage first", e.Message);

        DedupPipeline.Run(Source, t.Work, null, Options);
        string sig = Path.Combine(t.Work, "signatures.bin");
        var bytes = File.ReadAllBytes(sig);
        File.WriteAllBytes(sig, bytes[..(bytes.Length / 2)]);
        e = Assert.Throws<InputException>(() => BucketStage.Run(t.Work, Options));
        Assert.Contains("truncated", e.Message);

        File.Copy(Path.Combine(t.Work, "buckets.bin"), sig, overwrite: true);
        e = Assert.Throws<InputException>(() => BucketStage.Run(t.Work, Options));
        Assert.Contains("is not a signatures file", e.Message);

        bytes[4] = 9; // format version 9
        File.WriteAllBytes(sig, bytes);
        e = Assert.Throws<InputException>(() => BucketStage.Run(t.Work, Options));
        Assert.Contains("format version 9", e.Message);

        // Resume recomputes what it cannot read.
        Assert.Equal(DedupStage.Signatures, DedupPipeline.Run(Source, t.Work, null, Options, resume: true).Ran[0]);
    }

    [Fact]
    public void Filter_refuses_a_corpus_that_changed_since_the_signatures_and_an_empty_corpus_is_an_error()
    {
        using var t = new DedupTestData();
        DedupPipeline.Run(Source, t.Work, null, Options);
        var other = new DocumentList("other", Source.Documents.Skip(1).ToList());
        var e = Assert.Throws<InputException>(() => DedupPipeline.Run(other, t.Work, t.Out, Options, only: DedupStage.Filter));
        Assert.Contains("is not the one the signatures stage read", e.Message);
        Assert.False(File.Exists(t.Out), "no half-written output");

        e = Assert.Throws<InputException>(() => DedupPipeline.Run(new DocumentList("empty", []), t.Work, t.Out, Options));
        Assert.Contains("corpus 'empty' has no documents", e.Message);
    }

    [Fact]
    public void Keep_longest_keeps_the_longest_near_duplicate()
    {
        using var t = new DedupTestData();
        string words = string.Join(' ', Enumerable.Range(0, 60).Select(i => $"w{i}"));
        var source = new DocumentList("k",
            [new("short", words, "s"), new("other", "nothing alike at all here", "s"), new("long", words + " w60", "s")]);
        var first = DedupPipeline.Run(source, t.Work, t.Out, Options).Decisions!;
        Assert.Equal([DedupReason.Kept, DedupReason.Kept, DedupReason.Near], first.Reason);
        var longest = DedupPipeline.Run(source, t.Work, t.Out, Options with { Keep = KeepRule.Longest }).Decisions!;
        Assert.Equal([DedupReason.Near, DedupReason.Kept, DedupReason.Kept], longest.Reason);
        Assert.Equal([0, 1, 0], longest.Cluster);
        Assert.Equal(0, longest.Partner[2] == -1 ? 0 : 1);
        Assert.Equal(2, longest.Partner[0]);
        Assert.Equal(56 / 57.0, longest.Similarity[0], 5);
    }
}
