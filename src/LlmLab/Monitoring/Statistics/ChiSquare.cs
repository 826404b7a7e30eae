namespace LlmLab.Monitoring.Statistics;

/// <summary>A test statistic and its p-value.</summary>
public readonly record struct TestResult(double Statistic, double PValue);

/// <summary>
/// Pearson's chi-square goodness-of-fit test (SciPy's <c>stats.chisquare(f_obs, f_exp)</c>, k − 1 degrees of freedom).
/// Evidently's categorical test for a reference of at most 1,000 rows uses it with the current counts as observed and the
/// reference counts scaled to the current size as expected. Pure; thread-safe.
/// </summary>
public static class ChiSquare
{
    /// <summary>χ² = Σ (O − E)²/E and P(χ²(k − 1) ≥ χ²). A category with E = 0 and O &gt; 0 gives χ² = ∞, p = 0 (SciPy does the
    /// same).</summary>
    /// <exception cref="ArgumentException">Lengths differ, fewer than two categories, or a negative count.</exception>
    public static TestResult GoodnessOfFit(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        if (observed.Count != expected.Count) throw new ArgumentException($"observed has {observed.Count} categories, expected {expected.Count}");
        if (observed.Count < 2) throw new ArgumentException("the chi-square test needs at least two categories");
        double chi = 0;
        for (int i = 0; i < observed.Count; i++)
        {
            double o = observed[i], e = expected[i];
            if (o < 0 || e < 0) throw new ArgumentException("counts must be >= 0");
            if (e == 0) { if (o > 0) chi = double.PositiveInfinity; continue; }
            chi += (o - e) * (o - e) / e;
        }
        return new(chi, double.IsPositiveInfinity(chi) ? 0 : SpecialFunctions.ChiSquareSf(chi, observed.Count - 1));
    }
}
