using LlmLab.Inference.Serving;

namespace LlmLab.Labs.Part09;

/// <summary>Lab 9.1's plots. Stateless.</summary>
public static class ServingBenchmarkPlots
{
    /// <summary>Output tok/s (y) against median e2e latency (x), one line per mode, points in client order.</summary>
    public static ScottPlot.Plot ThroughputLatency(IReadOnlyList<ServingBenchmarkLab.Point> points)
    {
        var plot = new ScottPlot.Plot();
        foreach (var mode in new[] { BatchingMode.Static, BatchingMode.Continuous })
        {
            var ps = points.Where(p => p.Mode == mode).OrderBy(p => p.Concurrency).ToArray();
            if (ps.Length == 0) continue;
            var s = plot.Add.Scatter(ps.Select(p => p.Summary.E2e.Median).ToArray(), ps.Select(p => p.Summary.OutputTokenThroughput)
                .ToArray());
            s.LegendText = mode.ToString().ToLowerInvariant();
            foreach (var p in ps) plot.Add.Text($"{p.Concurrency}", p.Summary.E2e.Median, p.Summary.OutputTokenThroughput);
        }
        plot.Title("Throughput vs latency (labels: concurrent clients)");
        plot.XLabel("median e2e latency (ms)");
        plot.YLabel("output tokens / s");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Median TTFT by client count, one line per mode.</summary>
    public static ScottPlot.Plot TtftByConcurrency(IReadOnlyList<ServingBenchmarkLab.Point> points)
    {
        var plot = new ScottPlot.Plot();
        foreach (var mode in new[] { BatchingMode.Static, BatchingMode.Continuous })
        {
            var ps = points.Where(p => p.Mode == mode).OrderBy(p => p.Concurrency).ToArray();
            if (ps.Length == 0) continue;
            plot.Add.Scatter(ps.Select(p => (double)p.Concurrency).ToArray(), ps.Select(p => p.Summary.Ttft.Median).ToArray())
                .LegendText = mode.ToString().ToLowerInvariant();
        }
        plot.Title("Time to first token");
        plot.XLabel("concurrent clients");
        plot.YLabel("median TTFT (ms)");
        plot.ShowLegend();
        return plot;
    }
}
