using ScottPlot;

namespace LlmLab.Labs.Part10;

/// <summary>The figures of lab 10.3 (ScottPlot 5).</summary>
internal static class CostCascadePlots
{
    /// <summary>Hit rate, false-hit rate and paraphrase recall against the similarity threshold.</summary>
    public static Plot CacheTradeOff(IReadOnlyList<CostCascadeLab.CachePoint> points)
    {
        var plot = new Plot();
        double[] x = points.Select(p => p.Threshold).ToArray();
        void Line(Func<CostCascadeLab.CachePoint, double> y, string label)
        {
            var s = plot.Add.Scatter(x, points.Select(p => double.IsNaN(y(p)) ? 0 : 100 * y(p)).ToArray());
            s.LegendText = label;
        }
        Line(p => p.HitRate, "hit rate");
        Line(p => p.FalseHitRate, "false hits (share of hits)");
        Line(p => p.ParaphraseRecall, "paraphrases served");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Title("Semantic cache (MiniLM): the threshold trade-off");
        plot.XLabel("cosine similarity threshold");
        plot.YLabel("%");
        return plot;
    }

    /// <summary>One point per policy: relative cost against accuracy.</summary>
    public static Plot CostAccuracy(IReadOnlyList<(string Name, double Accuracy, double RelativeCost)> policies)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < policies.Count; i++)
        {
            var (name, acc, cost) = policies[i];
            var s = plot.Add.Scatter(new[] { cost }, new[] { 100 * acc });
            s.Color = palette.GetColor(i);
            s.MarkerSize = 10;
            s.LegendText = name;
        }
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.Title("Cost against accuracy");
        plot.XLabel("cost relative to the large model alone");
        plot.YLabel("accuracy (%)");
        return plot;
    }
}
