namespace LlmLab.Monitoring.Statistics;

/// <summary>
/// Area under the ROC curve from scores, as the Mann–Whitney probability P(score₊ &gt; score₋) + ½·P(tie)
/// (= U / (n₊n₋), which SciPy's <c>mannwhitneyu</c> gives). O(n log n) by ranking. Pure; thread-safe.
/// </summary>
public static class RocAuc
{
    /// <summary>The AUC of <paramref name="positive"/> scores against <paramref name="negative"/> ones.</summary>
    public static double Compute(IReadOnlyList<double> positive, IReadOnlyList<double> negative)
    {
        if (positive.Count == 0 || negative.Count == 0) throw new ArgumentException("the ROC AUC needs scores of both classes");
        var all = positive.Select(s => (Score: s, Pos: true)).Concat(negative.Select(s => (Score: s, Pos: false)))
            .OrderBy(t => t.Score).ToArray();
        double rankSum = 0;
        for (int i = 0; i < all.Length;)
        {
            int j = i;
            while (j < all.Length && all[j].Score == all[i].Score) j++;
            double midRank = (i + 1 + j) / 2.0; // ranks i+1 … j share their mean
            for (int k = i; k < j; k++) if (all[k].Pos) rankSum += midRank;
            i = j;
        }
        double u = rankSum - positive.Count * (positive.Count + 1) / 2.0;
        return u / ((double)positive.Count * negative.Count);
    }
}
