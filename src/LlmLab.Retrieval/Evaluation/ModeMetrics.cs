using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Retrieval quality of one mode over a question set (means over questions), with the mean wall time of the
/// embed, retrieve and rerank stages in <paramref name="Latency"/>.</summary>
public sealed record ModeMetrics(double RecallAt1, double RecallAt5, double RecallAt10, double Mrr, double NdcgAt10,
    double MillisecondsPerQuery, StageLatency Latency)
{
    /// <summary>Keyed as the CLI's JSON prints them.</summary>
    public Dictionary<string, double> ToDictionary() => new()
    {
        ["recall@1"] = RecallAt1, ["recall@5"] = RecallAt5, ["recall@10"] = RecallAt10,
        ["mrr"] = Mrr, ["ndcg@10"] = NdcgAt10, ["ms_per_query"] = MillisecondsPerQuery,
        ["ms_embed"] = Latency.EmbedMs, ["ms_retrieve"] = Latency.RetrieveMs, ["ms_rerank"] = Latency.RerankMs,
    };
}
