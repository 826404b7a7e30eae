using LlmLab.Retrieval.Vectors;

namespace LlmLab.Tests.Retrieval;

/// <summary>Our HNSW against brute-force search (the ground truth) on random and clustered data.</summary>
public class HnswTests
{
    const int Dim = 32;

    static float[][] Uniform(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n)
            .Select(_ => Enumerable.Range(0, Dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    static float[][] Clustered(int n, int clusters, int seed)
    {
        // Tight Gaussian clusters around random centres: the hard case for graph search (dense neighbourhoods).
        var rng = new Random(seed);
        var centres = Uniform(clusters, seed + 1);
        return Enumerable.Range(0, n).Select(_ =>
        {
            var c = centres[rng.Next(clusters)];
            return c.Select(x => x + 0.1f * (float)Gaussian(rng)).ToArray();
        }).ToArray();
    }

    static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    static double Recall(IVectorIndex index, ExactIndex exact, float[][] queries, int k)
    {
        double hits = 0;
        foreach (var q in queries)
        {
            var truth = exact.Search(q, k).Select(x => x.Key).ToHashSet();
            hits += index.Search(q, k).Count(x => truth.Contains(x.Key));
        }
        return hits / (queries.Length * k);
    }

    static (HnswIndex Hnsw, ExactIndex Exact) Build(float[][] data, HnswOptions options)
    {
        var hnsw = new HnswIndex(Dim, options);
        var exact = new ExactIndex(Dim);
        for (int i = 0; i < data.Length; i++) { hnsw.Add(i, data[i]); exact.Add(i, data[i]); }
        return (hnsw, exact);
    }

    [Fact]
    public void RecallOnRandomData()
    {
        var (hnsw, exact) = Build(Uniform(3000, 1), new HnswOptions(M: 16, EfConstruction: 100, EfSearch: 64));
        double recall = Recall(hnsw, exact, Uniform(100, 99), 10);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
        hnsw.EfSearch = 10;
        Assert.True(Recall(hnsw, exact, Uniform(100, 99), 10) < recall, "a smaller ef_search should cost recall");
    }

    [Fact]
    public void RecallOnClusteredData()
    {
        var (hnsw, exact) = Build(Clustered(3000, 20, 2), new HnswOptions(M: 16, EfConstruction: 100, EfSearch: 64));
        double recall = Recall(hnsw, exact, Clustered(100, 20, 2).Select(v => v.Select(x => x + 0.01f).ToArray()).ToArray(), 10);
        Assert.True(recall >= 0.95, $"recall@10 = {recall:F3}");
    }

    [Fact]
    public void DeletedKeysAreNeverReturnedAndRecallHolds()
    {
        var data = Uniform(2000, 3);
        var (hnsw, exact) = Build(data, new HnswOptions(M: 12, EfConstruction: 100, EfSearch: 64));
        for (int i = 0; i < data.Length; i += 5) { Assert.True(hnsw.Remove(i)); exact.Remove(i); }
        Assert.False(hnsw.Remove(0));
        Assert.Equal(1600, hnsw.Count);
        var queries = Uniform(50, 98);
        foreach (var q in queries) Assert.DoesNotContain(hnsw.Search(q, 10), r => r.Key % 5 == 0);
        Assert.True(Recall(hnsw, exact, queries, 10) >= 0.95);
        // Update: a re-added key is found at its new place.
        var moved = queries[0].ToArray();
        hnsw.Add(1, moved);
        Assert.Equal(1, hnsw.Search(moved, 1)[0].Key);
        Assert.Equal(1.0f, hnsw.Search(moved, 1)[0].Score, 1e-5f);
    }

    [Fact]
    public void FilterKeepsOnlyMatchingKeys()
    {
        var (hnsw, exact) = Build(Uniform(1500, 4), new HnswOptions(M: 12, EfConstruction: 80));
        var q = Uniform(1, 5)[0];
        var got = hnsw.Search(q, 5, k => k % 2 == 1);
        var want = exact.Search(q, 5, k => k % 2 == 1);
        Assert.All(got, r => Assert.Equal(1, r.Key % 2));
        Assert.True(got.Select(r => r.Key).Intersect(want.Select(r => r.Key)).Count() >= 4);
    }

    [Fact]
    public void SaveAndLoadGiveIdenticalResults()
    {
        var (hnsw, _) = Build(Uniform(800, 6), new HnswOptions(M: 8, EfConstruction: 50));
        hnsw.Remove(3);
        using var ms = new MemoryStream();
        HnswSerializer.Save(hnsw, ms);
        ms.Position = 0;
        var loaded = HnswSerializer.Load(ms);
        Assert.Equal(hnsw.Count, loaded.Count);
        foreach (var q in Uniform(20, 7)) Assert.Equal(hnsw.Search(q, 10), loaded.Search(q, 10));
        Assert.Throws<InvalidDataException>(() => HnswSerializer.Load(new MemoryStream("not an index"u8.ToArray())));
    }

    [Fact]
    public void USearchPeerReachesTheSameRecall()
    {
        var data = Uniform(2000, 8);
        using var usearch = new USearchVectorIndex(Dim, new HnswOptions(16, 100, 64));
        var exact = new ExactIndex(Dim);
        for (int i = 0; i < data.Length; i++) { usearch.Add(i, data[i]); exact.Add(i, data[i]); }
        Assert.Equal(2000, usearch.Count);
        Assert.True(Recall(usearch, exact, Uniform(50, 9), 10) >= 0.95);
    }
}
