using System.Globalization;
using LlmLab.Nn.Landscape;
using ScottPlot;

namespace LlmLab.Labs.Part02;

/// <summary>The figures of lab 2.2 (ScottPlot 5). Both models are drawn on one colour scale, given by the caller.</summary>
internal static class LossLandscapePlots
{
    static readonly Color[] ModelColors = [Colors.C0, Colors.C3];
    static readonly IColormap Map = new ScottPlot.Colormaps.Viridis();

    public static Plot TrainingCurves(IReadOnlyList<LossLandscapeRun> runs)
    {
        var plot = new Plot();
        for (int m = 0; m < runs.Count; m++)
        {
            double[] steps = Enumerable.Range(1, runs[m].StepLosses.Length).Select(s => (double)s).ToArray();
            var raw = plot.Add.ScatterLine(steps, runs[m].StepLosses, ModelColors[m].WithAlpha(0.25));
            raw.LineWidth = 1;
            var smooth = plot.Add.ScatterLine(steps, MovingAverage(runs[m].StepLosses, 25), ModelColors[m]);
            smooth.LineWidth = 2.5f;
            smooth.LegendText = runs[m].Name;
        }
        var uniform = plot.Add.HorizontalLine(Math.Log(256), 1, Colors.Gray, LinePattern.Dashed);
        uniform.LegendText = "ln 256 (uniform guess)";
        plot.Title("Training loss (same seed, same batches)");
        plot.XLabel("step");
        plot.YLabel("cross-entropy (nats per byte)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot Interpolation(IReadOnlyList<LossLandscapeRun> runs, double cap)
    {
        var plot = new Plot();
        for (int m = 0; m < runs.Count; m++)
        {
            var c = runs[m].Interpolation;
            var line = plot.Add.Scatter(c.Alphas.ToArray(), c.Losses.Select(v => Math.Min(v, cap)).ToArray(), ModelColors[m]);
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = runs[m].Name;
        }
        foreach (var (x, label) in new[] { (0.0, "θ0 (init)"), (1.0, "θ* (trained)") })
        {
            var v = plot.Add.VerticalLine(x, 1, Colors.Gray, LinePattern.Dashed);
            v.Text = label;
        }
        plot.Title("Linear interpolation from initialisation to solution");
        plot.XLabel("α in (1 − α)·θ0 + α·θ*");
        plot.YLabel($"loss (nats per byte, clipped at {F(cap)})");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot Slices(IReadOnlyList<LossLandscapeRun> runs, double rho, double cap)
    {
        var plot = new Plot();
        for (int m = 0; m < runs.Count; m++)
            foreach (var (c, k) in runs[m].Slices.Select((c, k) => (c, k)))
            {
                var line = plot.Add.ScatterLine(c.Alphas.ToArray(), c.Losses.Select(v => Math.Min(v, cap)).ToArray(), ModelColors[m]);
                line.LineWidth = 1.5f;
                if (k == 0) line.LegendText = $"{runs[m].Name} ({runs[m].Slices.Count} directions)";
            }
        foreach (double x in new[] { -rho, rho })
            plot.Add.VerticalLine(x, 1, Colors.Gray, LinePattern.Dotted);
        plot.Title($"1-D slices along filter-normalised random directions (dotted: ±ρ = {F(rho)})");
        plot.XLabel("α in θ* + α·d");
        plot.YLabel($"loss (nats per byte, clipped at {F(cap)})");
        plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
        return plot;
    }

    /// <summary>Heat map of ln(loss) clamped to [floor, cap]: the same colours mean the same loss in every map.</summary>
    public static Plot Heatmap(LossLandscapeRun run, double floor, double cap)
    {
        var grid = run.Grid;
        var plot = new Plot();
        var map = plot.Add.Heatmap(grid.ClippedLogLoss(floor, cap));
        double half = grid.Radius / (grid.Size - 1);                       // half a cell: cells centred on grid points
        map.Extent = new CoordinateRect(-grid.Radius - half, grid.Radius + half, -grid.Radius - half, grid.Radius + half);
        map.FlipVertically = true;                                         // row j = β_j ascending upwards
        map.ManualRange = new ScottPlot.Range(Math.Log(floor), Math.Log(cap));
        map.Colormap = Map;
        var bar = plot.Add.ColorBar(map);
        bar.Label = "loss (nats, log colour scale)";
        var ticks = Levels(floor, cap, 8);
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => Math.Log(t)).ToArray(),
            ticks.Select(t => F(t, "0.##")).ToArray());
        Centre(plot);
        Frame(plot, grid.Radius, $"{run.Name}: loss around θ* (heat map)");
        return plot;
    }

    /// <summary>Contour lines of the loss at <paramref name="levels"/>, coloured on the heat maps' scale.</summary>
    public static Plot Contours(LossLandscapeRun run, IReadOnlyList<double> levels, double floor, double cap)
    {
        var grid = run.Grid;
        var points = new Coordinates3d[grid.Size, grid.Size];
        for (int j = 0; j < grid.Size; j++)
            for (int i = 0; i < grid.Size; i++)
                points[j, i] = new Coordinates3d(grid.Alphas[i], grid.Betas[j],
                    double.IsNaN(grid.Loss[j, i]) ? cap : Math.Min(grid.Loss[j, i], cap));
        var plot = new Plot();
        // One plottable per level: ScottPlot colours contours by each plot's own z range, we want one scale for both models.
        foreach (double level in levels)
        {
            var lines = plot.Add.ContourLines(points, 1);
            lines.ContourLineLevels = [level];
            lines.Update(points);
            double t = (Math.Log(level) - Math.Log(floor)) / (Math.Log(cap) - Math.Log(floor));
            lines.LineColor = Map.GetColor(Math.Clamp(t, 0, 1));
            lines.LineWidth = 2;
        }
        Centre(plot);
        Frame(plot, grid.Radius, $"{run.Name}: loss contours around θ* (labels in nats)");
        return plot;
    }

    /// <summary><paramref name="count"/> levels spaced evenly in ln(loss) from floor to cap, rounded for labels.</summary>
    public static double[] Levels(double floor, double cap, int count) =>
        Enumerable.Range(0, count).Select(k => Math.Round(floor * Math.Pow(cap / floor, k / (double)(count - 1)), floor < 1 ? 2 : 1))
            .Distinct().ToArray();

    static void Centre(Plot plot)
    {
        plot.Add.Marker(0, 0, MarkerShape.Cross, 12, Colors.Red);   // θ*; the caption names it
    }

    static void Frame(Plot plot, double radius, string title)
    {
        double pad = radius * 1.06;
        plot.Axes.SetLimits(-pad, pad, -pad, pad);
        plot.Title(title);
        plot.XLabel("α (direction δ, filter-normalised)");
        plot.YLabel("β (direction η, filter-normalised)");
    }

    static double[] MovingAverage(double[] v, int window)
    {
        var result = new double[v.Length];
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    static string F(double v, string fmt = "0.00") => v.ToString(fmt, CultureInfo.InvariantCulture);
}
