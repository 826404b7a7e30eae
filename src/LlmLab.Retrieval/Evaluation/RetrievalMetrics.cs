namespace LlmLab.Retrieval.Evaluation;

/// <summary>
/// Ranking metrics over source ids (BEIR/TREC conventions with binary relevance). Retrieved chunks are first reduced
/// to the ranked list of distinct sources, so several chunks of one source count once. Pure functions.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>Distinct sources in rank order.</summary>
    public static List<string> DistinctSources(IEnumerable<string> rankedSourceIds)
        => rankedSourceIds.Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Share of relevant sources found in the first <paramref name="k"/> distinct sources.</summary>
    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k) =>
        relevant.Count == 0 ? 0 : (double)ranked.Take(k).Count(relevant.Contains) / relevant.Count;

    /// <summary>1/rank of the first relevant source (0 when none is retrieved).</summary>
    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant)
    {
        for (int i = 0; i < ranked.Count; i++) if (relevant.Contains(ranked[i])) return 1.0 / (i + 1);
        return 0;
    }

    /// <summary>nDCG@k with binary gains: DCG = Σ rel_i / log2(i + 1), normalised by the ideal ranking's DCG.</summary>
    public static double NdcgAt(IReadOnlyList<string> ranked, IReadOnlyCollection<string> relevant, int k)
    {
        double dcg = 0, ideal = 0;
        for (int i = 0; i < Math.Min(k, ranked.Count); i++) if (relevant.Contains(ranked[i])) dcg += 1 / Math.Log2(i + 2);
        for (int i = 0; i < Math.Min(k, relevant.Count); i++) ideal += 1 / Math.Log2(i + 2);
        return ideal == 0 ? 0 : dcg / ideal;
    }
}
