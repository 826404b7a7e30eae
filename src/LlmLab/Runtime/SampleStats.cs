namespace LlmLab.Runtime;

/// <summary>
/// Order statistics of repeated measurements (timings, lengths), in one place so every median in the project has the same
/// definition: the middle value of the sorted sample, or the mean of the two middle values for an even count.
/// </summary>
public static class SampleStats
{
    /// <summary>The median of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) throw new ArgumentException("the median of no values is undefined", nameof(values));
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>The minimum and the median of <paramref name="values"/> (a benchmark's two figures).</summary>
    public static (double Min, double Median) MinMedian(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return v.Length == 0 ? throw new ArgumentException("no values", nameof(values)) : (v.Min(), Median(v));
    }

    /// <summary>The median of <paramref name="repeats"/> timed calls of <paramref name="action"/> after <paramref name="warmup"/>
    /// untimed ones, in milliseconds.</summary>
    public static double MedianMilliseconds(int repeats, Action action, int warmup = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var times = new List<double>(repeats);
        for (int i = -warmup; i < repeats; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            action();
            if (i >= 0) times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Median(times);
    }
}
