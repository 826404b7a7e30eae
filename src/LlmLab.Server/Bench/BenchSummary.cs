namespace LlmLab.Server.Bench;

/// <summary>Mean, median, p90 and p99 of one measure, in milliseconds. Immutable.</summary>
public sealed record LatencyStats(double Mean, double Median, double P90, double P99, int Count)
{
    /// <summary>Stats of <paramref name="seconds"/> (linear interpolation between order statistics, as numpy's default
    /// percentile); all NaN when empty.</summary>
    public static LatencyStats Of(IEnumerable<double> seconds)
    {
        var xs = seconds.Select(s => s * 1000).OrderBy(x => x).ToArray();
        if (xs.Length == 0) return new(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        return new(xs.Average(), Percentile(xs, 50), Percentile(xs, 90), Percentile(xs, 99), xs.Length);
    }

    /// <summary>The q-th percentile of sorted values (numpy's "linear" method).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        double rank = q / 100 * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}

/// <summary>
/// The figures of a serving benchmark, with vLLM's <c>benchmark_serving</c> definitions: TTFT (send → first token),
/// TPOT ((latency − TTFT)/(output tokens − 1) per request), ITL (every gap between streamed tokens), e2e latency;
/// request and output-token throughput over the run's wall time; goodput = requests per second that met every SLO
/// (DistServe, Zhong et al. OSDI 2024). Immutable.
/// </summary>
public sealed record BenchSummary(
    int Requests, int Succeeded, int Failed, double Seconds, double RequestThroughput, double OutputTokenThroughput, double Goodput,
    LatencyStats Ttft, LatencyStats Tpot, LatencyStats Itl, LatencyStats E2e, IReadOnlyList<string> Errors)
{
    /// <param name="run">The outcomes.</param>
    /// <param name="ttftSloMs">TTFT SLO in ms (null = none).</param>
    /// <param name="tpotSloMs">TPOT SLO in ms (null = none).</param>
    public static BenchSummary Of(BenchRun run, double? ttftSloMs = null, double? tpotSloMs = null)
    {
        var ok = run.Outcomes.Where(o => o.Success).ToList();
        int good = ok.Count(o => (ttftSloMs is not { } t || (o.Ttft ?? double.PositiveInfinity) * 1000 <= t)
                              && (tpotSloMs is not { } p || (o.Tpot ?? 0) * 1000 <= p));
        double secs = Math.Max(run.Seconds, 1e-9);
        return new BenchSummary(run.Outcomes.Count, ok.Count, run.Outcomes.Count - ok.Count, run.Seconds, ok.Count / secs,
            ok.Sum(o => o.OutputTokens) / secs, good / secs,
            LatencyStats.Of(ok.Where(o => o.Ttft is not null).Select(o => o.Ttft!.Value)),
            LatencyStats.Of(ok.Where(o => o.Tpot is not null).Select(o => o.Tpot!.Value)),
            LatencyStats.Of(ok.SelectMany(o => o.Itl)),
            LatencyStats.Of(ok.Select(o => o.Latency)),
            run.Outcomes.Where(o => !o.Success).Select(o => o.Error ?? "?").Distinct().Take(5).ToArray());
    }
}
