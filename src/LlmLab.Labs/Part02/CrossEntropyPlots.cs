using LlmLab.Nn;

namespace LlmLab.Labs.Part02;

/// <summary>The figures of lab 2.1, drawn from sweep results (no math beyond log10 for the axes).</summary>
internal static class CrossEntropyPlots
{
    // Errors of exactly 0 are drawn at the floor, NaN/∞ at the ceiling (one decade above the largest finite error).
    const double Floor = -17;

    /// <summary>Relative error of the naive and stable losses vs the scale s, log-log, one series per (version,
    /// format); NaN/∞ drawn as crosses on a line at the top; dashed lines at the predicted failure scales.</summary>
    public static ScottPlot.Plot ErrorVsScale(IReadOnlyDictionary<string, IReadOnlyList<CrossEntropySweepPoint>> sweeps,
                                              IReadOnlyDictionary<string, double?> predictedFailure)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double finiteMax = sweeps.Values.SelectMany(p => p)
            .SelectMany(p => new[] { p.NaiveRelativeError, p.StableRelativeError }).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double ceiling = Math.Ceiling(Log(finiteMax)) + 1;
        int k = 0;
        foreach (var (format, points) in sweeps)
        {
            double[] xs = points.Select(p => Math.Log10(p.Scale)).ToArray();
            foreach (var (version, error) in new (string, Func<CrossEntropySweepPoint, double>)[]
                     { ("naive", p => p.NaiveRelativeError), ("stable", p => p.StableRelativeError) })
            {
                var color = palette.GetColor(k++);
                double[] ys = points.Select(p => double.IsFinite(error(p)) ? Log(error(p)) : double.NaN).ToArray();
                var line = plot.Add.Scatter(xs, ys, color);
                line.LegendText = $"{version}, {format}";
                line.MarkerSize = 3;
                line.LinePattern = version == "naive" ? ScottPlot.LinePattern.Solid : ScottPlot.LinePattern.Dotted;
                var failed = points.Where(p => !double.IsFinite(error(p))).ToList();
                if (failed.Count == 0) continue;
                var marks = plot.Add.ScatterPoints(failed.Select(p => Math.Log10(p.Scale)).ToArray(), failed.Select(_ => ceiling).ToArray(),
                    color);
                marks.MarkerShape = ScottPlot.MarkerShape.Cross;
                marks.MarkerSize = 6;
                marks.LegendText = $"{version}, {format}: NaN or ∞";
            }
            if (predictedFailure.GetValueOrDefault(format) is { } s)
            {
                var v = plot.Add.VerticalLine(Math.Log10(s), 1, palette.GetColor(k - 2));
                v.LinePattern = ScottPlot.LinePattern.Dashed;
                v.LegendText = $"{format}: predicted failure, s = {s:G3}";
            }
        }
        LogTicks(plot.Axes.Bottom, v => "s = 1e" + I(v));
        LogTicks(plot.Axes.Left, v => v >= ceiling - 0.01 ? "NaN/∞" : "1e" + I(v));
        plot.Axes.SetLimitsY(Floor - 0.5, ceiling + 0.5);
        plot.Title("Naive vs stable cross-entropy: relative error against the exact loss");
        plot.XLabel("logit scale s (logits = s · d, d ~ N(0, 1))");
        plot.YLabel("|loss − exact| / exact (0 drawn at 1e-17)");
        plot.ShowLegend(ScottPlot.Edge.Right);
        return plot;
    }

    static double Log(double v) => v > 0 ? Math.Max(Math.Log10(v), Floor) : Floor;

    static string I(double v) => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    static void LogTicks(ScottPlot.IAxis axis, Func<double, string> label)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = label,
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };
    }
}
