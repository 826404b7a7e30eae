using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Search;

/// <summary>
/// Searches a <see cref="RagIndex"/> by BM25, dense vectors, both fused by RRF, or fused then MMR-reranked; an
/// optional metadata filter (on source id, title, section…) applies to every mode. Thread-safe when the
/// embedder is.
/// </summary>
public sealed class HybridRetriever(RagIndex index, IEmbeddingGenerator<string, Embedding<float>> embedder)
{
    /// <summary>Each ranking fed to fusion is this many times longer than k (a document ranked low by one retriever
    /// can still win when the other ranks it high).</summary>
    public int CandidateFactor { get; init; } = 4;

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
        int n = Math.Max(k * CandidateFactor, 20);
        List<(long Key, double Score)> ranked = mode switch
        {
            RetrievalMode.Bm25 => Lexical(query, k, keep),
            RetrievalMode.Dense => Dense(q, k, keep),
            _ => ReciprocalRankFusion.Fuse(
                [Lexical(query, n, keep).Select(x => x.Key).ToList(), Dense(q, n, keep).Select(x => x.Key).ToList()]),
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

    List<(long Key, double Score)> Lexical(string query, int k, Func<long, bool>? keep) =>
        index.Bm25.Search(index.Analyzer.Analyze(query), k, keep);

    List<(long Key, double Score)> Dense(float[] q, int k, Func<long, bool>? keep) =>
        index.Vectors.Search(q, k, keep).Select(x => (x.Key, (double)x.Score)).ToList();
}
