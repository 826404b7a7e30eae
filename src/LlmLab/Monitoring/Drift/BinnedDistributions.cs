using LlmLab.Monitoring.Statistics;

namespace LlmLab.Monitoring.Drift;

/// <summary>
/// The two distributions a binned drift score compares, as Evidently's <c>get_binned_data</c> builds them: a numeric
/// column whose reference has more than 20 distinct values is cut into equal-width bins over the pooled values; any
/// other column is counted per distinct value over the union of both samples. Each side is divided by its own row
/// count. With <c>fillZeroes</c> (PSI, whose log needs it) an empty bin gets 0.0001, or a millionth of the side's
/// smallest non-zero share when that share is at most 0.0001. Pure; thread-safe.
/// </summary>
public static class BinnedDistributions
{
    /// <summary>Reference values with more distinct values than this are binned (Evidently's rule).</summary>
    public const int MaxDistinctCounted = 20;

    /// <summary>The reference's and the current sample's shares per bin or value, aligned.</summary>
    public static (double[] Reference, double[] Current) Shares(DriftColumn reference, DriftColumn current, int bins, bool fillZeroes)
    {
        double[] r, c;
        if (reference.Kind == ColumnKind.Numeric && reference.DistinctCount > MaxDistinctCounted)
        {
            var edges = EqualWidthHistogram.Edges(reference.Numbers.Concat(current.Numbers), bins);
            r = Divide(EqualWidthHistogram.Counts(reference.Numbers, edges), reference.Count);
            c = Divide(EqualWidthHistogram.Counts(current.Numbers, edges), current.Count);
        }
        else
        {
            var (rc, cc, _) = CountsByValue(reference, current);
            (r, c) = (Divide(rc, reference.Count), Divide(cc, current.Count));
        }
        if (fillZeroes) { FillZeroes(r); FillZeroes(c); }
        return (r, c);
    }

    /// <summary>Counts per distinct value over the union of both columns' values, in ordinal key order.</summary>
    public static (long[] Reference, long[] Current, string[] Keys) CountsByValue(DriftColumn reference, DriftColumn current)
    {
        var rc = reference.Keys().CountBy(k => k, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var cc = current.Keys().CountBy(k => k, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var keys = rc.Keys.Union(cc.Keys).Order(StringComparer.Ordinal).ToArray();
        return (keys.Select(k => (long)rc.GetValueOrDefault(k)).ToArray(), keys.Select(k => (long)cc.GetValueOrDefault(k)).ToArray(), keys);
    }

    static double[] Divide(long[] counts, int n) => counts.Select(x => (double)x / n).ToArray();

    static void FillZeroes(double[] shares)
    {
        var nonZero = shares.Where(s => s != 0).ToArray();
        if (nonZero.Length == 0) return;
        double min = nonZero.Min(), fill = min <= 0.0001 ? min / 1e6 : 0.0001;
        for (int i = 0; i < shares.Length; i++) if (shares[i] == 0) shares[i] = fill;
    }
}
