using System.Diagnostics;

namespace LlmLab.Retrieval.Search;

/// <summary>
/// Wall time per stage of one question (or a sum over many): embedding the query, retrieving (BM25, HNSW and fusion),
/// reranking (MMR) and generating the answer. Stages a mode skips stay 0. Not thread-safe: one per question.
/// </summary>
public sealed class StageLatency
{
    /// <summary>The names used in reports and JSON, in pipeline order.</summary>
    public static readonly IReadOnlyList<string> StageNames = ["embed", "retrieve", "rerank", "generate"];

    /// <summary>Embedding the query, milliseconds.</summary>
    public double EmbedMs { get; set; }

    /// <summary>BM25 and/or HNSW search and rank fusion, milliseconds.</summary>
    public double RetrieveMs { get; set; }

    /// <summary>MMR reranking, milliseconds.</summary>
    public double RerankMs { get; set; }

    /// <summary>The answerer (extractive or a chat model), milliseconds.</summary>
    public double GenerateMs { get; set; }

    /// <summary>Sum of the stages.</summary>
    public double TotalMs => EmbedMs + RetrieveMs + RerankMs + GenerateMs;

    /// <summary>Adds <paramref name="other"/>'s stages to this one's (to average over questions, then <see cref="Scaled"/>).</summary>
    public void Add(StageLatency other)
    {
        EmbedMs += other.EmbedMs;
        RetrieveMs += other.RetrieveMs;
        RerankMs += other.RerankMs;
        GenerateMs += other.GenerateMs;
    }

    /// <summary>A copy with every stage multiplied by <paramref name="factor"/> (e.g. 1/n for a mean).</summary>
    public StageLatency Scaled(double factor) => new()
    {
        EmbedMs = EmbedMs * factor, RetrieveMs = RetrieveMs * factor, RerankMs = RerankMs * factor, GenerateMs = GenerateMs * factor,
    };

    /// <summary>Stage name → milliseconds, in <see cref="StageNames"/> order, plus "total".</summary>
    public Dictionary<string, double> ToDictionary() => new()
    {
        ["embed"] = EmbedMs, ["retrieve"] = RetrieveMs, ["rerank"] = RerankMs, ["generate"] = GenerateMs, ["total"] = TotalMs,
    };

    /// <summary>Milliseconds since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    internal static double Since(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
