namespace LlmLab.Monitoring.Statistics;

/// <summary>
/// Equal-width histograms bin for bin as NumPy draws them (<c>np.histogram_bin_edges(x, bins=n)</c> then
/// <c>np.histogram</c>), so that binned drift scores match Evidently's. Pure; thread-safe.
/// </summary>
/// <remarks>
/// Edges: n + 1 points <c>lo + k·(hi − lo)/n</c> with the last set to hi exactly (<c>np.linspace</c>); a sample with
/// one value gets the range (v − 0.5, v + 0.5). A value's bin is ⌊(x − lo)/(hi − lo)·n⌋, then moved by one where
/// rounding put it on the wrong side of an edge; bins are half-open [e_k, e_{k+1}) except the last, which holds hi.
/// </remarks>
public static class EqualWidthHistogram
{
    /// <summary>The <paramref name="bins"/> + 1 edges spanning <paramref name="values"/>.</summary>
    public static double[] Edges(IEnumerable<double> values, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (double.IsInfinity(lo)) throw new ArgumentException("a histogram of no values");
        if (lo == hi) (lo, hi) = (lo - 0.5, hi + 0.5);
        var edges = new double[bins + 1];
        double step = (hi - lo) / bins;
        for (int k = 0; k < bins; k++) edges[k] = k * step + lo;
        edges[bins] = hi;
        return edges;
    }

    /// <summary>Counts per bin; values outside [edges[0], edges[^1]] are not counted.</summary>
    public static long[] Counts(IEnumerable<double> values, double[] edges)
    {
        int n = edges.Length - 1;
        var counts = new long[n];
        double lo = edges[0], hi = edges[n];
        foreach (double x in values)
        {
            if (!(x >= lo && x <= hi)) continue;
            int k = (int)((x - lo) / (hi - lo) * n);
            if (k == n) k--;
            if (x < edges[k]) k--;
            else if (k != n - 1 && x >= edges[k + 1]) k++;
            counts[k]++;
        }
        return counts;
    }
}
