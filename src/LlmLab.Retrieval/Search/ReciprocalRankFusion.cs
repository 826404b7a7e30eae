namespace LlmLab.Retrieval.Search;

/// <summary>
/// Reciprocal-rank fusion (Cormack, Clarke &amp; Büttcher, SIGIR 2009): score(d) = Σ_rankings 1/(k + rank(d)), ranks
/// from 1, k = 60 as in the paper. Uses ranks only, so BM25 scores and cosine similarities need no calibration.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The paper's constant.</summary>
    public const int DefaultK = 60;

    /// <summary>Fused ranking, best first; ties keep the order of first appearance.</summary>
    public static List<(long Key, double Score)> Fuse(IEnumerable<IReadOnlyList<long>> rankings, int k = DefaultK)
    {
        var scores = new Dictionary<long, double>();
        var firstSeen = new Dictionary<long, int>();
        foreach (var ranking in rankings)
        {
            for (int i = 0; i < ranking.Count; i++)
            {
                long key = ranking[i];
                scores[key] = scores.GetValueOrDefault(key) + 1.0 / (k + i + 1);
                firstSeen.TryAdd(key, firstSeen.Count);
            }
        }
        return scores.OrderByDescending(p => p.Value).ThenBy(p => firstSeen[p.Key]).Select(p => (p.Key, p.Value)).ToList();
    }
}
