namespace LlmLab.Nn.Moe;

/// <summary>Summaries of per-expert load counts. Pure functions; thread-safe.</summary>
public static class ExpertLoad
{
    /// <summary>
    /// Population standard deviation over mean of <paramref name="load"/>: 0 for equal loads, √(E − 1) when one of E
    /// experts has all of it (the scale-free measure of imbalance used to compare routers, e.g. Shazeer et al. 2017's
    /// CV² importance loss). 0 for an empty or all-zero load.
    /// </summary>
    public static double CoefficientOfVariation(IReadOnlyList<long> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (load.Count == 0) return 0;
        double mean = load.Average(v => (double)v);
        if (mean == 0) return 0;
        double variance = load.Sum(v => (v - mean) * (v - mean)) / load.Count;
        return Math.Sqrt(variance) / mean;
    }

    /// <summary>Each expert's share of the total (Σ = 1; all 0 when the total is 0).</summary>
    public static double[] Shares(IReadOnlyList<long> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        double total = load.Sum();
        return load.Select(v => total > 0 ? v / total : 0).ToArray();
    }
}
