using LlmLab.Retrieval;
using LlmLab.Retrieval.Lexical;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using LlmLab.Retrieval.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LlmLab.Tests.Retrieval;

/// <summary>
/// Hybrid search of <see cref="RagVectorStoreCollection"/> through Microsoft.Extensions.VectorData's
/// <see cref="IKeywordHybridSearchable{TRecord}"/> only, on a corpus small enough (16 records, under the fusion depth of 20)
/// that every ranking is complete: against brute-force RRF written out here (every record scored by BM25 — our Lucene-checked
/// scorer — and by exact cosine, ranked, Σ 1/(60 + rank)), and against the pipeline's own hybrid mode on the same file.
/// </summary>
public sealed class RagHybridSearchTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-hybrid").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>A deterministic stand-in encoder: hashed character trigrams plus a little per-text noise, so that no two
    /// records tie in cosine (ties would make the expected order ambiguous).</summary>
    sealed class TrigramEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        static uint Fnv(string s)
        {
            uint h = 2166136261;
            foreach (char c in s) { h ^= c; h *= 16777619; }
            return h;
        }

        public static float[] Embed(string text)
        {
            var e = new float[RagChunkRecord.Dimensions];
            string t = text.ToLowerInvariant();
            for (int i = 0; i + 3 <= t.Length; i++) e[Fnv(t.Substring(i, 3)) % (uint)e.Length] += 1;
            var rng = new Random((int)(Fnv(t) & 0x7fffffff));
            for (int j = 0; j < e.Length; j++) e[j] += (float)(rng.NextDouble() * 0.01);
            return VectorMath.Normalized(e);
        }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    static readonly string[] Texts =
    [
        "apt-get install downloads a package.",
        "apt-get update refreshes the list of available packages from the mirrors.",
        "Debian has three distributions: stable, testing and unstable.",
        "The stable release receives security updates and is recommended for servers and desktops alike.",
        "Testing becomes the next stable release after a freeze.",
        "A package is removed with apt-get remove; purge also deletes its configuration files from the system.",
        "The kernel can be rebuilt from the Debian source package of Linux.",
        "Security advisories are published by the Debian security team.",
        "dpkg installs a single package file without resolving its dependencies at all, which apt-get does.",
        "Mirrors copy the archive all over the world.",
        "The unstable distribution is called sid and always will be.",
        "Backports bring newer packages to the stable release without upgrading the whole system to testing.",
        "Bug reports go to the Debian bug tracking system, one report per package.",
        "A source package holds the upstream tarball and the Debian changes applied to it over time.",
        "The installer can install a desktop environment such as GNOME or KDE.",
        "Security updates reach stable quickly.",
    ];

    static readonly List<RagChunkRecord> Records = Texts.Select((t, i) => new RagChunkRecord
        { Id = $"r{i:00}", SourceId = $"s{i % 3}", Title = $"T{i}", Position = i, Text = t, TokenCount = 0 }).ToList();

    /// <summary>Brute-force RRF over the records <paramref name="keep"/> admits: BM25 of every record (statistics over the
    /// whole collection, as a filter only removes candidates) and exact cosine, each ranked in full, fused as
    /// Σ 1/(60 + rank).</summary>
    static List<(string Id, double Score)> BruteForce(string keywords, float[] q, Func<RagChunkRecord, bool> keep)
    {
        var bm25 = new Bm25Index();
        for (int i = 0; i < Records.Count; i++) bm25.Add(i, TextAnalyzer.Standard.Analyze(Records[i].Text));
        var lexical = bm25.ScoreAll(TextAnalyzer.Standard.Analyze(keywords)).Where(p => keep(Records[(int)p.Key]))
            .OrderByDescending(p => p.Value).Select(p => (int)p.Key).ToList();
        var dense = Enumerable.Range(0, Records.Count).Where(i => keep(Records[i]))
            .OrderByDescending(i => VectorMath.Dot(q, TrigramEmbeddings.Embed(Records[i].Text))).ToList();
        var fused = new Dictionary<int, double>();
        foreach (var ranking in new[] { lexical, dense })
            for (int r = 0; r < ranking.Count; r++) fused[ranking[r]] = fused.GetValueOrDefault(ranking[r]) + 1.0 / (60 + r + 1);
        return fused.OrderByDescending(p => p.Value).Select(p => (Records[p.Key].Id, p.Value)).ToList();
    }

    /// <summary>The results equal the expected top list up to ties: the same scores in order, and each record's own expected
    /// score.</summary>
    static void SameRanking(List<(string Id, double Score)> expected, List<VectorSearchResult<RagChunkRecord>> got)
    {
        var all = expected.ToDictionary(e => e.Id, e => e.Score);
        Assert.Equal(expected.Select(e => e.Score), got.Select(g => g.Score!.Value), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.All(got, g => Assert.Equal(all[g.Record.Id], g.Score!.Value, 1e-12));
    }

    [Fact]
    public async Task HybridSearchEqualsBruteForceRrfAndThePipeline()
    {
        string db = Path.Combine(_dir, "h.db");
        using var embedder = new TrigramEmbeddings();
        using VectorStoreCollection<string, RagChunkRecord> collection = RagVectorStoreCollection.Open(db, "test/trigrams", embedder);
        await collection.UpsertAsync(Records.Select(r => new RagChunkRecord
            { Id = r.Id, SourceId = r.SourceId, Title = r.Title, Position = r.Position, Text = r.Text }));
        var hybrid = Assert.IsAssignableFrom<IKeywordHybridSearchable<RagChunkRecord>>(collection);
        Assert.Same(hybrid, collection.GetService(typeof(IKeywordHybridSearchable<RagChunkRecord>)));

        using var store = RagStore.Open(db, "test/trigrams", RagChunkRecord.Dimensions);
        var pipeline = new HybridRetriever(RagIndex.Load(store), embedder);
        string[] queries = ["How do I install a package with apt-get?", "Which release receives security updates?",
            "What is the unstable distribution called?", "kernel source package"];
        foreach (var query in queries)
        {
            var q = TrigramEmbeddings.Embed(query);
            // A string query embedded by the collection's generator, the question itself as the one keyword.
            var got = await hybrid.HybridSearchAsync(query, [query], 5).ToListAsync();
            SameRanking(BruteForce(query, q, _ => true).Take(5).ToList(), got);
            var own = pipeline.Search(query, 5, RetrievalMode.Hybrid);
            Assert.Equal(own.Select(c => (c.Chunk.Chunk.Id, c.Score)), got.Select(g => (g.Record.Id, g.Score!.Value)));

            // A filter applies before ranking (BM25's statistics stay the collection's), here and in the pipeline alike.
            var filtered = await hybrid.HybridSearchAsync(query, [query], 4,
                new HybridSearchOptions<RagChunkRecord> { Filter = r => r.SourceId == "s1" }).ToListAsync();
            Assert.All(filtered, r => Assert.Equal("s1", r.Record.SourceId));
            SameRanking(BruteForce(query, q, r => r.SourceId == "s1").Take(4).ToList(), filtered);
            Assert.Equal(pipeline.Search(query, 4, RetrievalMode.Hybrid, c => c.SourceId == "s1").Select(c => c.Chunk.Chunk.Id),
                filtered.Select(g => g.Record.Id));
        }

        // A vector with separate keywords; skip; score threshold (on the fused score); vectors on request.
        var v = TrigramEmbeddings.Embed("security of the stable release");
        var expected = BruteForce("package install dependencies", v, _ => true);
        string[] keywords = ["package", "install", "dependencies"];
        SameRanking(expected.Take(6).ToList(), await hybrid.HybridSearchAsync(new ReadOnlyMemory<float>(v), keywords, 6).ToListAsync());
        var skipped = await hybrid.HybridSearchAsync(v, keywords, 3, new HybridSearchOptions<RagChunkRecord> { Skip = 2 }).ToListAsync();
        SameRanking(expected.Skip(2).Take(3).ToList(), skipped);
        var above = await hybrid.HybridSearchAsync(v, keywords, 10,
            new HybridSearchOptions<RagChunkRecord> { ScoreThreshold = expected[2].Score - 1e-12 }).ToListAsync();
        Assert.Equal(expected.Count(e => e.Score >= expected[2].Score - 1e-12), above.Count);
        var withVectors = await hybrid.HybridSearchAsync(v, keywords, 1,
            new HybridSearchOptions<RagChunkRecord> { IncludeVectors = true, VectorProperty = r => r.Embedding,
                AdditionalProperty = r => r.Text }).ToListAsync();
        Assert.Equal(RagChunkRecord.Dimensions, withVectors[0].Record.Embedding.Length);
        Assert.True((await hybrid.HybridSearchAsync(v, keywords, 1).ToListAsync())[0].Record.Embedding.IsEmpty);

        // No keyword: the dense ranking alone, fused (1/61, 1/62, …).
        var dense = await hybrid.HybridSearchAsync(v, [], 3).ToListAsync();
        SameRanking(BruteForce("", v, _ => true).Take(3).ToList(), dense);
        Assert.Equal(1.0 / 61, dense[0].Score!.Value, 1e-12);

        // Only the record's one full-text property can be searched by keyword.
        await Assert.ThrowsAsync<ArgumentException>(async () => await hybrid.HybridSearchAsync(v, keywords, 1,
            new HybridSearchOptions<RagChunkRecord> { AdditionalProperty = r => r.Title }).ToListAsync());
    }
}
