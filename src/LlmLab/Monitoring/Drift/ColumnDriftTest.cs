using LlmLab.Monitoring.Statistics;

namespace LlmLab.Monitoring.Drift;

/// <summary>
/// Tests one column of a current sample against the same column of a reference, with Evidently's default choice of test
/// (evidently/calculations/stattests/registry.py, <c>get_default_stattest</c>) and thresholds. Pure; thread-safe.
/// </summary>
public static class ColumnDriftTest
{
    /// <summary>
    /// Evidently's default test. Reference of at most <see cref="DriftOptions.LargeReferenceRows"/> rows: numeric with more
    /// than 5 distinct values (both samples together) → KS; otherwise more than 2 distinct → chi-square, else the z-test.
    /// Larger references: numeric with more than 5 distinct values → normed Wasserstein, anything else → Jensen–Shannon.
    /// </summary>
    public static DriftMethod DefaultMethod(DriftColumn reference, DriftColumn current, DriftOptions options)
    {
        int distinct = reference.Keys().Concat(current.Keys()).Distinct(StringComparer.Ordinal).Count();
        bool numericMany = reference.Kind == ColumnKind.Numeric && distinct > 5;
        if (reference.Count <= options.LargeReferenceRows)
            return numericMany ? DriftMethod.Ks : distinct > 2 ? DriftMethod.ChiSquare : DriftMethod.ZTest;
        return numericMany ? DriftMethod.Wasserstein : DriftMethod.JensenShannon;
    }

    /// <summary>Runs the test. <paramref name="pValueThreshold"/> replaces the options' one (a multiple-testing correction).</summary>
    /// <exception cref="InputException">An empty column, columns of different kinds, or a test the column's kind cannot take.</exception>
    public static ColumnDrift Run(DriftColumn reference, DriftColumn current, DriftOptions options, double? pValueThreshold = null)
    {
        if (reference.Name != current.Name) throw new ArgumentException($"columns '{reference.Name}' and '{current.Name}' differ");
        if (reference.Kind != current.Kind)
            throw new InputException($"column '{reference.Name}' is {Kind(reference)} in the reference but {Kind(current)} in the current data");
        if (reference.Count == 0 || current.Count == 0)
            throw new InputException($"column '{reference.Name}' has no values in the {(reference.Count == 0 ? "reference" : "current data")}: nothing to test");
        var method = options.Method == DriftMethod.Auto ? DefaultMethod(reference, current, options) : options.Method;
        double alpha = pValueThreshold ?? options.PValueThreshold;
        ColumnDrift P(double stat, double p) => new(reference.Name, reference.Kind, method, stat, p, true, alpha, p < alpha, reference.Count, current.Count);
        ColumnDrift D(double d, double threshold) => new(reference.Name, reference.Kind, method, d, d, false, threshold, d >= threshold, reference.Count, current.Count);
        switch (method)
        {
            case DriftMethod.Ks:
                var ks = KolmogorovSmirnov.TwoSample(Numbers(reference, method), Numbers(current, method));
                return P(ks.Statistic, ks.PValue);
            case DriftMethod.ChiSquare:
                var (rc, cc, _) = BinnedDistributions.CountsByValue(reference, current);
                if (rc.Length < 2) return P(0, 1); // one value on both sides: nothing moved
                double scale = (double)current.Count / reference.Count;
                var chi = ChiSquare.GoodnessOfFit(cc.Select(x => (double)x).ToArray(), rc.Select(x => x * scale).ToArray());
                return P(chi.Statistic, chi.PValue);
            case DriftMethod.ZTest:
                var (zr, zc, keys) = BinnedDistributions.CountsByValue(reference, current);
                if (keys.Length > 2) throw new InputException($"column '{reference.Name}' has {keys.Length} distinct values: the z-test needs a binary column");
                if (keys.Length < 2) return P(0, 1);
                var z = ProportionZTest.TwoSided(zr[0], reference.Count, zc[0], current.Count);
                return P(z.Statistic, z.PValue);
            case DriftMethod.Wasserstein:
                return D(Statistics.Wasserstein.NormedDistance(Numbers(reference, method), Numbers(current, method)), options.DistanceThreshold);
            case DriftMethod.JensenShannon:
                var (jr, jc) = BinnedDistributions.Shares(reference, current, options.Bins, fillZeroes: false);
                return D(Statistics.JensenShannon.Distance(jr, jc), options.DistanceThreshold);
            case DriftMethod.Psi:
                var (pr, pc) = BinnedDistributions.Shares(reference, current, options.Bins, fillZeroes: true);
                return D(PopulationStabilityIndex.Compute(pr, pc), options.PsiThreshold);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), method, "unknown drift method");
        }
    }

    static IReadOnlyList<double> Numbers(DriftColumn c, DriftMethod m) => c.Kind == ColumnKind.Numeric ? c.Numbers
        : throw new InputException($"column '{c.Name}' is categorical: {m} needs numbers (use chisquare, z, jensenshannon or psi)");

    static string Kind(DriftColumn c) => c.Kind == ColumnKind.Numeric ? "numeric" : "categorical";
}
