namespace LlmLab.Retrieval.Search;

/// <summary>
/// Maximal marginal relevance (Carbonell &amp; Goldstein, SIGIR 1998): repeatedly pick the candidate maximising
/// λ·sim(q, d) − (1 − λ)·max_{s ∈ selected} sim(d, s), trading relevance for diversity. Vectors are unit length.
/// </summary>
public static class MaximalMarginalRelevance
{
    /// <summary>Indices into <paramref name="candidates"/> in selection order (at most <paramref name="k"/>).</summary>
    public static List<int> Select(float[] query, IReadOnlyList<float[]> candidates, int k, double lambda = 0.7)
    {
        if (lambda is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "λ must be in [0, 1]");
        var relevance = candidates.Select(c => (double)VectorMath.Dot(query, c)).ToArray();
        var maxSimToSelected = new double[candidates.Count];
        Array.Fill(maxSimToSelected, double.NegativeInfinity);
        var chosen = new List<int>();
        var left = Enumerable.Range(0, candidates.Count).ToHashSet();
        while (chosen.Count < k && left.Count > 0)
        {
            int best = -1;
            double bestScore = double.NegativeInfinity;
            foreach (int i in left.Order())
            {
                double redundancy = chosen.Count == 0 ? 0 : maxSimToSelected[i];
                double s = lambda * relevance[i] - (1 - lambda) * redundancy;
                if (s > bestScore) { bestScore = s; best = i; }
            }
            chosen.Add(best);
            left.Remove(best);
            foreach (int i in left) maxSimToSelected[i] = Math.Max(maxSimToSelected[i], VectorMath.Dot(candidates[i], candidates[best]));
        }
        return chosen;
    }
}
