namespace LlmLab.Monitoring.Statistics;

/// <summary>
/// The first Wasserstein (earth mover's) distance between two 1-D samples, ∫ |F₁(x) − F₂(x)| dx over the empirical CDFs
/// (SciPy's <c>stats.wasserstein_distance</c>), and Evidently's normed version for a numeric column whose reference has
/// more than 1,000 rows: W₁ / max(σ_ref, 0.001), σ the population standard deviation. Pure; thread-safe.
/// </summary>
public static class Wasserstein
{
    /// <summary>W₁(u, v).</summary>
    public static double Distance(IReadOnlyList<double> u, IReadOnlyList<double> v)
    {
        if (u.Count == 0 || v.Count == 0) throw new ArgumentException("the Wasserstein distance needs two non-empty samples");
        var x = u.Order().ToArray();
        var y = v.Order().ToArray();
        int i = 0, j = 0;
        double sum = 0, prev = Math.Min(x[0], y[0]);
        // Between consecutive pooled values both CDFs are flat: add |F_u − F_v| × the gap.
        while (i < x.Length || j < y.Length)
        {
            double value = j >= y.Length || (i < x.Length && x[i] <= y[j]) ? x[i] : y[j];
            sum += Math.Abs((double)i / x.Length - (double)j / y.Length) * (value - prev);
            while (i < x.Length && x[i] == value) i++;
            while (j < y.Length && y[j] == value) j++;
            prev = value;
        }
        return sum;
    }

    /// <summary>W₁ divided by the reference's population standard deviation (at least 0.001), Evidently's
    /// <c>wasserstein_distance_norm</c>.</summary>
    public static double NormedDistance(IReadOnlyList<double> reference, IReadOnlyList<double> current) =>
        Distance(reference, current) / Math.Max(PopulationStd(reference), 0.001);

    /// <summary>√(Σ(x − x̄)²/n) (NumPy's <c>np.std</c> default, ddof = 0).</summary>
    public static double PopulationStd(IReadOnlyList<double> x)
    {
        double mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Count);
    }
}
