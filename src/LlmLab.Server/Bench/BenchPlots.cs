namespace LlmLab.Server.Bench;

/// <summary>Plots of a benchmark run (ScottPlot). Stateless.</summary>
public static class BenchPlots
{
    /// <summary>Empirical CDFs of TTFT, TPOT and e2e latency (ms, log x).</summary>
    public static ScottPlot.Plot Latencies(BenchRun run)
    {
        var plot = new ScottPlot.Plot();
        var ok = run.Outcomes.Where(o => o.Success).ToList();
        void Cdf(string name, IEnumerable<double> seconds)
        {
            var xs = seconds.Select(s => Math.Log10(Math.Max(s * 1000, 1e-3))).OrderBy(x => x).ToArray();
            if (xs.Length == 0) return;
            var ys = Enumerable.Range(1, xs.Length).Select(i => (double)i / xs.Length).ToArray();
            plot.Add.ScatterLine(xs, ys).LegendText = name;
        }
        Cdf("TTFT", ok.Where(o => o.Ttft is not null).Select(o => o.Ttft!.Value));
        Cdf("TPOT", ok.Where(o => o.Tpot is not null).Select(o => o.Tpot!.Value));
        Cdf("E2E", ok.Select(o => o.Latency));
        plot.Title("Latency distributions (CDF)");
        plot.XLabel("log10(milliseconds)");
        plot.YLabel("fraction of requests");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Each request as its send time against its e2e latency: queueing shows as latency growing over the run.</summary>
    public static ScottPlot.Plot Timeline(BenchRun run)
    {
        var plot = new ScottPlot.Plot();
        var ok = run.Outcomes.Where(o => o.Success).ToArray();
        if (ok.Length > 0)
        {
            var s = plot.Add.ScatterPoints(ok.Select(o => o.Start).ToArray(), ok.Select(o => o.Latency * 1000).ToArray());
            s.LegendText = "e2e latency";
        }
        plot.Title("Requests over the run");
        plot.XLabel("send time (s)");
        plot.YLabel("e2e latency (ms)");
        return plot;
    }
}
