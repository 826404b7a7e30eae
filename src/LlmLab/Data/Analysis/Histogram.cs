namespace LlmLab.Data.Analysis;

/// <summary>
/// A fixed-bin histogram: <see cref="Bins"/> equal bins over [<see cref="Min"/>, <see cref="Max"/>], on a linear or a
/// log10 scale. Values outside the range are counted in the first or last bin, so no document is lost. Fixed bins are
/// what makes it mergeable: two histograms of the same shape add bin by bin. Not thread-safe.
/// </summary>
public sealed class Histogram
{
    readonly long[] _counts;

    /// <param name="min">Left edge (&gt; 0 on a log scale).</param>
    /// <param name="max">Right edge (&gt; min).</param>
    /// <param name="bins">Number of bins (≥ 1).</param>
    /// <param name="log10">Equal bins in log10(value) rather than in value.</param>
    public Histogram(double min, double max, int bins, bool log10 = false)
    {
        if (!(max > min) || bins < 1 || (log10 && !(min > 0)))
            throw new ArgumentOutOfRangeException(nameof(bins),
                $"a histogram needs max > min, bins ≥ 1 and min > 0 on a log scale (got [{min}, {max}], {bins}, log10 {log10})");
        (Min, Max, Log10) = (min, max, log10);
        _counts = new long[bins];
    }

    public double Min { get; }
    public double Max { get; }
    public bool Log10 { get; }
    public int Bins => _counts.Length;
    public IReadOnlyList<long> Counts => _counts;
    public long Total { get; private set; }

    /// <summary>Counts <paramref name="value"/> in its bin (NaN is ignored).</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value)) return;
        double lo = Log10 ? Math.Log10(Min) : Min, hi = Log10 ? Math.Log10(Max) : Max;
        double x = Log10 ? Math.Log10(Math.Max(value, Min)) : value;
        int bin = (int)Math.Floor((x - lo) / (hi - lo) * Bins);
        _counts[Math.Clamp(bin, 0, Bins - 1)]++;
        Total++;
    }

    /// <summary>The left edge of bin <paramref name="i"/> (i = Bins gives the right edge of the last).</summary>
    public double Edge(int i)
    {
        double lo = Log10 ? Math.Log10(Min) : Min, hi = Log10 ? Math.Log10(Max) : Max;
        double x = lo + (hi - lo) * i / Bins;
        return Log10 ? Math.Pow(10, x) : x;
    }

    /// <summary>Adds <paramref name="other"/>'s counts; it must have the same bins.</summary>
    public void Merge(Histogram other)
    {
        if (other.Bins != Bins || other.Min != Min || other.Max != Max || other.Log10 != Log10)
            throw new ArgumentException("histograms of different bins cannot be merged", nameof(other));
        for (int i = 0; i < Bins; i++) _counts[i] += other._counts[i];
        Total += other.Total;
    }

    /// <summary>An empty histogram with the same bins.</summary>
    public Histogram EmptyCopy() => new(Min, Max, Bins, Log10);

    /// <summary>Same bins and same counts.</summary>
    public bool SameAs(Histogram other) =>
        other.Min == Min && other.Max == Max && other.Log10 == Log10 && other.Total == Total
        && _counts.AsSpan().SequenceEqual(other._counts);
}
