using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Search;

/// <summary>
/// Searches a <see cref="RagIndex"/> by BM25, dense vectors, both fused by RRF, or fused then MMR-reranked; an
/// optional metadata filter (on source id, title, section…) applies to every mode. The static <see cref="Nearest"/> and
/// <see cref="Fused"/> are the dense and hybrid rankings themselves, shared with the VectorData adapter
/// (<c>RagVectorStoreCollection</c>), so both give the same results. Thread-safe when the embedder is.
/// </summary>
public sealed class HybridRetriever(RagIndex index, IEmbeddingGenerator<string, Embedding<float>> embedder)
{
    /// <summary>The default of <see cref="CandidateFactor"/>.</summary>
    public const int DefaultCandidateFactor = 4;

    /// <summary>Each ranking fed to fusion is this many times longer than k (a document ranked low by one retriever
    /// can still win when the other ranks it high).</summary>
    public int CandidateFactor { get; init; } = DefaultCandidateFactor;

    /// <summary>MMR's λ (1: relevance only).</summary>
    public double MmrLambda { get; init; } = 0.7;

    /// <summary>The index searched.</summary>
    public RagIndex Index => index;

    /// <summary>The query's embedding (unit length).</summary>
    public float[] Embed(string query) =>
        VectorMath.Normalized(embedder.GenerateAsync([query]).GetAwaiter().GetResult()[0].Vector.Span);

    /// <summary>Top <paramref name="k"/> chunks for <paramref name="query"/>; when <paramref name="latency"/> is given, the
    /// embed, retrieve and rerank stages' wall times are added to it.</summary>
    public List<RetrievedChunk> Search(string query, int k, RetrievalMode mode, Func<Chunk, bool>? filter = null,
        StageLatency? latency = null)
    {
        if (string.IsNullOrWhiteSpace(query)) throw new LlmLab.InputException("the question is empty: give a question");
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        long t = System.Diagnostics.Stopwatch.GetTimestamp();
        var q = Embed(query);
        double embedMs = StageLatency.Since(t);
        t = System.Diagnostics.Stopwatch.GetTimestamp();
        Func<long, bool>? keep = filter is null ? null : key => filter(index.Chunks[key].Chunk);
        int n = FusionDepth(k, CandidateFactor);
        List<(long Key, double Score)> ranked = mode switch
        {
            RetrievalMode.Bm25 => index.Bm25.Search(index.Analyzer.Analyze(query), k, keep),
            RetrievalMode.Dense => Nearest(index, q, k, keep),
            _ => Fused(index, index.Analyzer.Analyze(query), q, n, keep),
        };
        double retrieveMs = StageLatency.Since(t);
        t = System.Diagnostics.Stopwatch.GetTimestamp();
        if (mode == RetrievalMode.HybridRerank)
        {
            var pool = ranked.Take(n).ToList();
            var order = MaximalMarginalRelevance.Select(q, pool.Select(p => index.Chunks[p.Key].Embedding).ToList(), k, MmrLambda);
            ranked = order.Select(i => pool[i]).ToList();
        }
        if (latency is not null)
        {
            latency.EmbedMs += embedMs;
            latency.RetrieveMs += retrieveMs;
            latency.RerankMs += mode == RetrievalMode.HybridRerank ? StageLatency.Since(t) : 0;
        }
        return ranked.Take(k).Select(p =>
        {
            var c = index.Chunks[p.Key];
            return new RetrievedChunk(c, p.Score, VectorMath.Dot(q, c.Embedding));
        }).ToList();
    }

    /// <summary>How long each ranking fed to fusion is for <paramref name="k"/> results: k × the factor, at least 20.</summary>
    public static int FusionDepth(int k, int candidateFactor = DefaultCandidateFactor) => Math.Max(k * candidateFactor, 20);

    /// <summary>The <paramref name="n"/> chunks nearest to <paramref name="q"/> (unit length) by cosine, best first, among
    /// those <paramref name="keep"/> admits: HNSW, or an exact scan of the admitted chunks when a selective filter starves
    /// HNSW's candidate list (it then finds fewer than it could).</summary>
    public static List<(long Key, double Score)> Nearest(RagIndex index, float[] q, int n, Func<long, bool>? keep)
    {
        var hits = index.Vectors.Search(q, n, keep).Select(x => (x.Key, (double)x.Score)).ToList();
        if (keep is null || hits.Count >= Math.Min(n, index.Chunks.Count)) return hits;
        return index.Chunks.Keys.Where(keep).Select(k => (Key: k, Score: (double)VectorMath.Dot(q, index.Chunks[k].Embedding)))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Key).Take(n).ToList();
    }

    /// <summary>The hybrid ranking: BM25 over <paramref name="terms"/> (already analyzed) and <see cref="Nearest"/> over
    /// <paramref name="q"/>, each <paramref name="depth"/> long and filtered by <paramref name="keep"/>, fused by RRF (k = 60);
    /// the score is the fused one.</summary>
    public static List<(long Key, double Score)> Fused(RagIndex index, IReadOnlyList<string> terms, float[] q, int depth,
        Func<long, bool>? keep) =>
        ReciprocalRankFusion.Fuse([index.Bm25.Search(terms, depth, keep).Select(x => x.Key).ToList(),
            Nearest(index, q, depth, keep).Select(x => x.Key).ToList()]);
}
