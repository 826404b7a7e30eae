using LlmLab.Retrieval.Embeddings;
using LlmLab.Retrieval.VectorData;
using Microsoft.Extensions.VectorData;

namespace LlmLab.Tests.Retrieval;

/// <summary>
/// <see cref="RagVectorStoreCollection"/> exercised only through Microsoft.Extensions.VectorData's
/// <see cref="VectorStoreCollection{TKey, TRecord}"/> (the body of <see cref="Conformance"/> names no type of ours but the
/// record), so the same checks hold for any other store a user swaps in. Expected rankings come from brute-force cosine.
/// </summary>
public sealed class RagVectorStoreCollectionTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-vdata").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    static float[] Unit(Random rng)
    {
        var v = new float[RagChunkRecord.Dimensions];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        float n = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / n).ToArray();
    }

    static double Cos(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    static async Task Conformance(VectorStoreCollection<string, RagChunkRecord> collection)
    {
        await collection.EnsureCollectionExistsAsync();
        Assert.True(await collection.CollectionExistsAsync());
        var rng = new Random(7);
        var records = Enumerable.Range(0, 60).Select(i => new RagChunkRecord
        {
            Id = $"r{i}", SourceId = $"s{i % 3}", Title = $"T{i}", Position = i, Text = $"text {i}", TokenCount = 2, Embedding = Unit(rng),
        }).ToList();
        await collection.UpsertAsync(records);

        // Get: fields round-trip; vectors only when asked for.
        var got = await collection.GetAsync("r5");
        Assert.NotNull(got);
        Assert.Equal(("s2", "T5", 5, "text 5"), (got.SourceId, got.Title, got.Position, got.Text));
        Assert.True(got.Embedding.IsEmpty);
        var withVector = await collection.GetAsync("r5", new RecordRetrievalOptions { IncludeVectors = true });
        // Stored unit length (cosine), so a unit input comes back within float rounding.
        Assert.Equal(RagChunkRecord.Dimensions, withVector!.Embedding.Length);
        Assert.True(records[5].Embedding.ToArray().Zip(withVector.Embedding.ToArray()).Max(p => Math.Abs(p.First - p.Second)) < 1e-6);
        Assert.Null(await collection.GetAsync("nope"));
        var batch = await collection.GetAsync(["r1", "r2", "missing"]).ToListAsync();
        Assert.Equal(["r1", "r2"], batch.Select(r => r.Id).Order());

        // Search: the brute-force cosine top 5, in order, with its scores.
        var query = Unit(rng);
        var expected = records.OrderByDescending(r => Cos(query, r.Embedding.Span)).ToList();
        var hits = await collection.SearchAsync(new ReadOnlyMemory<float>(query), 5).ToListAsync();
        Assert.Equal(expected.Take(5).Select(r => r.Id), hits.Select(h => h.Record.Id));
        Assert.Equal(Cos(query, expected[0].Embedding.Span), hits[0].Score!.Value, 1e-5);

        // Filter, skip and score threshold, each against brute force over the same predicate.
        var filtered = await collection.SearchAsync(query, 4, new VectorSearchOptions<RagChunkRecord> { Filter = r => r.SourceId == "s1" })
            .ToListAsync();
        Assert.Equal(expected.Where(r => r.SourceId == "s1").Take(4).Select(r => r.Id), filtered.Select(h => h.Record.Id));
        var skipped = await collection.SearchAsync(query, 3, new VectorSearchOptions<RagChunkRecord> { Skip = 2 }).ToListAsync();
        Assert.Equal(expected.Skip(2).Take(3).Select(r => r.Id), skipped.Select(h => h.Record.Id));
        double cut = Cos(query, expected[2].Embedding.Span) - 1e-6;
        var above = await collection.SearchAsync(query, 10, new VectorSearchOptions<RagChunkRecord> { ScoreThreshold = cut }).ToListAsync();
        Assert.Equal(3, above.Count);

        // Filtered get with ordering.
        var listed = await collection.GetAsync(r => r.Position >= 50, 100, new FilteredRecordRetrievalOptions<RagChunkRecord>
            { OrderBy = o => o.Descending(r => r.Position) }).ToListAsync();
        Assert.Equal(Enumerable.Range(50, 10).Reverse().Select(i => $"r{i}"), listed.Select(r => r.Id));

        // Upsert of an existing key replaces it (one record, new content); delete removes it from get and search.
        await collection.UpsertAsync(new RagChunkRecord { Id = "r5", SourceId = "s9", Text = "changed", Embedding = query });
        Assert.Equal("changed", (await collection.GetAsync("r5"))!.Text);
        Assert.Equal("r5", (await collection.SearchAsync(query, 1).ToListAsync())[0].Record.Id);
        Assert.Equal(60, (await collection.GetAsync(r => true, 1000).ToListAsync()).Count);
        await collection.DeleteAsync("r5");
        Assert.Null(await collection.GetAsync("r5"));
        Assert.DoesNotContain("r5", (await collection.SearchAsync(query, 10).ToListAsync()).Select(h => h.Record.Id));
        await collection.DeleteAsync(["r6", "r7"]);
        Assert.Equal(57, (await collection.GetAsync(r => true, 1000).ToListAsync()).Count);

        Assert.NotNull(collection.GetService(typeof(VectorStoreCollectionMetadata)));
        await collection.EnsureCollectionDeletedAsync();
        Assert.False(await collection.CollectionExistsAsync());
        Assert.Null(await collection.GetAsync("r1"));
    }

    [Fact]
    public async Task BehavesAsAVectorStoreCollection()
    {
        using VectorStoreCollection<string, RagChunkRecord> collection =
            RagVectorStoreCollection.Open(Path.Combine(_dir, "c.db"), MiniLmModel.ModelId);
        await Conformance(collection);
    }

    [Fact]
    public async Task RecordsSurviveAReopenAndTextIsEmbeddedByTheGenerator()
    {
        string db = Path.Combine(_dir, "text.db");
        using var encoder = OnnxSentenceEncoder.CreateMiniLm(threads: 1);
        using (VectorStoreCollection<string, RagChunkRecord> c = RagVectorStoreCollection.Open(db, encoder.ModelId, encoder))
        {
            await c.UpsertAsync([
                new RagChunkRecord { Id = "w", SourceId = "weather", Text = "The weather is lovely today." },
                new RagChunkRecord { Id = "s", SourceId = "sport", Text = "He drove to the stadium." },
            ]);
        }
        using (VectorStoreCollection<string, RagChunkRecord> c = RagVectorStoreCollection.Open(db, encoder.ModelId, encoder))
        {
            var hits = await c.SearchAsync("It's so sunny outside!", 2).ToListAsync();
            Assert.Equal(["w", "s"], hits.Select(h => h.Record.Id));
            // The sentence-transformers README's published similarities for these pairs: 0.6660 and 0.1046 (±1e-3).
            Assert.Equal(0.6660, hits[0].Score!.Value, 0.001);
        }
        // A store of another width is refused with both named.
        using var other = LlmLab.Retrieval.Storage.RagStore.Open(Path.Combine(_dir, "o.db"), "other/model", 768);
        var e = Assert.Throws<LlmLab.InputException>(() => new RagVectorStoreCollection(other));
        Assert.Contains("768", e.Message);
        Assert.Contains("384", e.Message);
    }
}
