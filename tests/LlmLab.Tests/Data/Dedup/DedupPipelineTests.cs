using System.Text.Json;
using LlmLab.Data.Dedup;
using LlmLab.Text;

namespace LlmLab.Tests.Data.Dedup;

public class DedupPipelineTests
{
    static readonly DedupOptions Options = new() { Threads = 1 };

    static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Exact_dedup_keeps_the_first_occurrence_of_each_normalised_text()
    {
        using var t = new DedupTestData();
        var source = new DocumentList("tiny", [
            new("a", "Hello, world!", "s"), new("b", "Something else entirely.", "s"),
            new("c", "  hello   WORLD ", "s"), new("d", "ﬁne", "s"), new("e", "fine.", "s")]);
        var r = DedupPipeline.Run(source, t.Work, t.Out, Options with { ExactOnly = true });
        Assert.Equal([DedupStage.Signatures, DedupStage.Buckets, DedupStage.Clusters, DedupStage.Filter], r.Ran);
        Assert.Equal(["a", "b", "d"], Lines(t.Out).Select(l => l.GetProperty("id").GetString()));
        Assert.Equal("Hello, world!", Lines(t.Out)[0].GetProperty("text").GetString());
        var removed = Lines(DedupPipeline.RemovedPathFor(t.Out));
        Assert.Equal(["c", "e"], removed.Select(l => l.GetProperty("id").GetString()));
        Assert.All(removed, l => Assert.Equal("exact", l.GetProperty("reason").GetString()));
        Assert.Equal(["a", "d"], removed.Select(l => l.GetProperty("kept_id").GetString()));
        Assert.Equal([0, 1, 0, 3, 3], r.Decisions!.Cluster);
        Assert.Null(r.Banding);
    }

    [Fact]
    public void Near_duplicates_are_clustered_with_ids_and_files_identical_for_one_and_two_threads()
    {
        var source = DedupTestData.Corpus(groups: 20, copies: 3, unique: 100);
        var outputs = new List<(DedupResult R, string Kept, string Removed)>();
        foreach (int threads in new[] { 1, 2 })
        {
            using var t = new DedupTestData();
            var r = DedupPipeline.Run(source, t.Work, t.Out, new DedupOptions { Threads = threads });
            outputs.Add((r, File.ReadAllText(t.Out), File.ReadAllText(DedupPipeline.RemovedPathFor(t.Out))));
        }
        var (one, two) = (outputs[0], outputs[1]);
        Assert.Equal(one.R.Decisions!.Cluster, two.R.Decisions!.Cluster);
        Assert.Equal(one.R.Decisions.Reason, two.R.Decisions.Reason);
        Assert.Equal(one.Kept, two.Kept);
        Assert.Equal(one.Removed, two.Removed);
        // 20 groups of original + 3 edited copies + 1 exact copy: 20 exact and 60 near removals, 120 kept.
        var d = one.R.Decisions;
        Assert.Equal(20, d.Removed(DedupReason.Exact));
        Assert.Equal(60, d.Removed(DedupReason.Near));
        Assert.Equal(20, d.MultiMemberClusters());
        Assert.Equal(120, one.Kept.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var ids = source.Documents.Select(x => x.Id).ToList();
        for (int i = 0; i < d.Count; i++)
        {
            Assert.True(d.Cluster[i] <= i, "a cluster id is its smallest member's index");
            if (ids[i].StartsWith('u')) Assert.Equal(i, d.Cluster[i]);
            else Assert.Equal(ids[i][..ids[i].IndexOf('-')], ids[d.Cluster[i]][..ids[d.Cluster[i]].IndexOf('-')]);
        }
        Assert.Equal(16, one.R.Banding!.Bands); // the default weights 0.05 / 0.95 (LshParametersTests)
        Assert.Equal(8, one.R.Banding.Rows);
    }
}
