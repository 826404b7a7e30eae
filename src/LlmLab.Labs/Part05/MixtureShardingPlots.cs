using LlmLab.Data.Shards;
using ScottPlot;

namespace LlmLab.Labs.Part05;

/// <summary>The figures of lab 5.3 (ScottPlot 5).</summary>
internal static class MixtureShardingPlots
{
    /// <summary>Per source: its natural share, the target and the realised share, side by side, in percent.</summary>
    public static Plot Proportions(ShardManifest m)
    {
        var plot = new Plot();
        long available = m.Sources.Sum(s => s.TrainAvailable);
        (string Name, Color Color, Func<ShardSourceEntry, double> Value)[] series =
        [
            ("natural share (size)", Colors.LightGray, s => (double)s.TrainAvailable / available),
            ("target", Colors.C0, s => s.Target),
            ("realised (train shards)", Colors.C1, s => s.TrainRealised),
        ];
        var bars = new List<Bar>();
        for (int i = 0; i < m.Sources.Count; i++)
            for (int k = 0; k < series.Length; k++)
                bars.Add(new Bar { Position = i * (series.Length + 1) + k, Value = 100 * series[k].Value(m.Sources[i]),
                    FillColor = series[k].Color });
        plot.Add.Bars(bars);
        foreach (var s in series) plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.Name, FillColor = s.Color });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, m.Sources.Count).Select(i => i * (series.Length + 1) + 1.0).ToArray(),
            m.Sources.Select(s => s.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title("Mixture: natural, target and realised shares");
        plot.YLabel("share of the training tokens (%)");
        return plot;
    }

    /// <summary>p_i against T (log10 axis), one line per source.</summary>
    public static Plot Temperature(IReadOnlyList<string> names, double[] temperatures, double[][] shares)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double[] xs = temperatures.Select(Math.Log10).ToArray();
        for (int i = 0; i < names.Count; i++)
        {
            var line = plot.Add.Scatter(xs, shares.Select(p => 100 * p[i]).ToArray(), palette.GetColor(i));
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = names[i];
        }
        var uniform = plot.Add.HorizontalLine(100.0 / names.Count, 1.5f, Colors.Gray, LinePattern.Dashed);
        uniform.LegendText = "uniform";
        var one = plot.Add.VerticalLine(0, 1, Colors.LightGray, LinePattern.Dotted);
        one.LegendText = "T = 1 (natural)";
        plot.Axes.Bottom.SetTicks(xs, temperatures.Select(t => t.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))
            .ToArray());
        plot.Title("Temperature sampling: p_i ∝ n_i^(1/T)");
        plot.XLabel("temperature T (log scale)");
        plot.YLabel("share p_i (%)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
