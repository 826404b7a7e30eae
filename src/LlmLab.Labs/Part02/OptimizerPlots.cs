using System.Globalization;
using LlmLab.Optim;
using ScottPlot;

namespace LlmLab.Labs.Part02;

/// <summary>The figures of lab 2.3 (ScottPlot 5). One colour per optimizer throughout: SGD, Adam, AdamW.</summary>
internal static class OptimizerPlots
{
    static readonly Dictionary<string, Color> Palette = new() { ["SGD"] = Colors.C3, ["Adam"] = Colors.C1, ["AdamW"] = Colors.C0 };
    static Color ColorOf(string name) => Palette.GetValueOrDefault(name, Colors.Black);

    public static Plot RosenbrockPaths(IReadOnlyList<OptimizerComparisonLab.RosenbrockSweep> sweeps, double x0, double y0)
    {
        const double xMin = -2, xMax = 2, yMin = -1, yMax = 3;
        const int n = 201;
        var f = Rosenbrock.Grid(xMin, xMax, yMin, yMax, n, n);                 // f[i, j] = f(x_j, y_i)
        var logF = new double[n, n];
        var points = new Coordinates3d[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                logF[i, j] = Math.Log10(Math.Max(f[i, j], 1e-3));
                points[i, j] = new Coordinates3d(xMin + (xMax - xMin) * j / (n - 1), yMin + (yMax - yMin) * i / (n - 1), logF[i, j]);
            }
        var plot = new Plot();
        var map = plot.Add.Heatmap(logF);
        double hx = (xMax - xMin) / (n - 1) / 2, hy = (yMax - yMin) / (n - 1) / 2;  // cells centred on the grid points
        map.Extent = new CoordinateRect(xMin - hx, xMax + hx, yMin - hy, yMax + hy);
        map.FlipVertically = true;                                                  // row i = y_i ascending upwards
        map.Colormap = new ScottPlot.Colormaps.Grayscale();
        map.Opacity = 0.55;
        var bar = plot.Add.ColorBar(map);
        bar.Label = "log10 f (contours every 0.5 from −0.5)";
        var contours = plot.Add.ContourLines(points, 1);
        // −0.5 … 3.5 (lower ones crowd the narrow floor)
        contours.ContourLineLevels = Enumerable.Range(-1, 9).Select(k => k * 0.5).ToArray();
        contours.Update(points);
        contours.LineColor = Colors.Black.WithAlpha(0.35);
        contours.LineWidth = 1;
        contours.LabelStyle.IsVisible = false;

        // Earlier paths drawn wider, so that a later path running over the same valley leaves them visible at its sides.
        foreach (var (s, k) in sweeps.Select((s, k) => (s, k)))
        {
            var (spec, path) = s.Best;
            var finite = path.Where(p => double.IsFinite(p.F)).ToList();
            var line = plot.Add.ScatterLine(finite.Select(p => p.X).ToArray(), finite.Select(p => p.Y).ToArray(), ColorOf(s.Name));
            line.LineWidth = 2 + 1.5f * (sweeps.Count - 1 - k);
            line.LegendText = $"{s.Name}, lr {Fmt(spec.LearningRate)}: f = {Fmt(OptimizerComparisonLab.RosenbrockSweep.Final(path))}";
            plot.Add.Marker(finite[^1].X, finite[^1].Y, MarkerShape.FilledCircle, 7, ColorOf(s.Name));
        }
        var start = plot.Add.Marker(x0, y0, MarkerShape.OpenCircle, 12, Colors.Black);
        start.LegendText = "start";
        var min = plot.Add.Marker(1, 1, MarkerShape.FilledDiamond, 12, Colors.Gold);
        min.LegendText = "minimum (1, 1)";
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        plot.Title("Rosenbrock: each optimizer's best path");
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }

    public static Plot RosenbrockLoss(IReadOnlyList<OptimizerComparisonLab.RosenbrockSweep> sweeps)
    {
        var plot = new Plot();
        double low = 0, high = 0;
        foreach (var s in sweeps)
        {
            var (spec, path) = s.Best;
            var finite = path.Select((p, i) => (Step: i, p.F)).Where(p => double.IsFinite(p.F)).ToList();
            double[] logs = finite.Select(p => Math.Log10(Math.Max(p.F, 1e-16))).ToArray();
            var line = plot.Add.ScatterLine(finite.Select(p => (double)p.Step).ToArray(), logs, ColorOf(s.Name));
            line.LineWidth = 2;
            line.LegendText = $"{s.Name} (lr {Fmt(spec.LearningRate)})";
            low = Math.Min(low, logs.Min());
            high = Math.Max(high, logs.Max());
        }
        LogTicks(plot.Axes.Left, Math.Floor(low), Math.Ceiling(high));
        plot.Title("Rosenbrock: f per step at each optimizer's best learning rate");
        plot.XLabel("step");
        plot.YLabel("f (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot Schedules(IReadOnlyList<(string Name, LrSchedule Schedule)> schedules, int steps)
    {
        var plot = new Plot();
        double[] xs = Enumerable.Range(0, steps).Select(s => (double)s).ToArray();
        var colors = new[] { Colors.Gray, Colors.C2, Colors.C4 };
        foreach (var ((name, schedule), k) in schedules.Select((s, k) => (s, k)))
        {
            var line = plot.Add.ScatterLine(xs, xs.Select(s => schedule.At((long)s) * 1e3).ToArray(), colors[k % colors.Length]);
            line.LineWidth = 2;
            line.LegendText = name;
        }
        plot.Axes.SetLimitsY(0, 1.35);                                          // room for the legend above the constant rate
        plot.Title("Learning-rate schedules");
        plot.XLabel("step");
        plot.YLabel("learning rate (×10⁻³)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot LmCurves(IReadOnlyList<OptimizerComparisonLab.LmSweep> sweeps)
    {
        var plot = new Plot();
        foreach (var s in sweeps)
        {
            var (spec, r) = s.Best;
            double[] loss = r.TrainLoss.Select(v => double.IsFinite(v) ? v : Math.Log(256) * 2).ToArray();
            double[] steps = Enumerable.Range(1, loss.Length).Select(i => (double)i).ToArray();
            plot.Add.ScatterLine(steps, loss, ColorOf(s.Name).WithAlpha(0.2)).LineWidth = 1;
            var smooth = plot.Add.ScatterLine(steps, MovingAverage(loss, 20), ColorOf(s.Name));
            smooth.LineWidth = 2.5f;
            smooth.LegendText =
                $"{s.Name} (lr {Fmt(spec.LearningRate)}): validation {r.ValidationLoss.ToString("0.000", CultureInfo.InvariantCulture)}";
        }
        var uniform = plot.Add.HorizontalLine(Math.Log(256), 1, Colors.Gray, LinePattern.Dashed);
        uniform.LegendText = "ln 256 (uniform guess)";
        double lowest = sweeps.SelectMany(s => s.Best.Result.TrainLoss).Where(double.IsFinite).DefaultIfEmpty(1).Min();
        plot.Axes.SetLimitsY(Math.Max(0, lowest - 0.2), Math.Log(256) + 1.2);   // the legend sits above ln 256
        plot.Title("Byte-level MLP language model: training loss at each optimizer's best learning rate");
        plot.XLabel("step");
        plot.YLabel("cross-entropy (nats per byte)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot LmSweep(IReadOnlyList<OptimizerComparisonLab.LmSweep> sweeps)
    {
        double cap = Math.Log(256);
        var plot = new Plot();
        var allLrs = new SortedSet<double>();
        foreach (var s in sweeps)
        {
            var ok = s.Runs.Where(r => double.IsFinite(r.Result.ValidationLoss)).ToList();
            foreach (var r in s.Runs) allLrs.Add(r.Spec.LearningRate);
            if (ok.Count == 0) continue;
            // Losses above the cap (a run that blew up without reaching NaN) are drawn on the cap, so the good runs keep the scale.
            var sc = plot.Add.Scatter(ok.Select(r => Math.Log10(r.Spec.LearningRate)).ToArray(),
                ok.Select(r => Math.Min(r.Result.ValidationLoss, cap)).ToArray(), ColorOf(s.Name));
            sc.LineWidth = 2;
            sc.MarkerSize = 7;
            sc.LegendText = s.Name;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(allLrs.Select(Math.Log10).ToArray(),
            allLrs.Select(Fmt).ToArray());
        var top = plot.Add.HorizontalLine(cap, 1, Colors.Gray, LinePattern.Dashed);
        top.LegendText = "ln 256 (losses above it drawn on it)";
        double lowest = sweeps.SelectMany(s => s.Runs).Select(r => r.Result.ValidationLoss).Where(double.IsFinite).DefaultIfEmpty(cap - 1)
            .Min();
        plot.Axes.SetLimitsY(lowest - 0.15, cap + 0.25);
        plot.Title("Language model: validation loss against the learning rate");
        plot.XLabel("learning rate (log scale)");
        plot.YLabel("validation loss (nats per byte)");
        plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
        return plot;
    }

    /// <summary>The grid as a heat map (rows = decays upwards, columns = learning rates), values written in the cells.</summary>
    public static Plot GridHeatmap(LrDecayGrid grid, string title, string decayLabel, double lo, double hi)
    {
        int nd = grid.Decays.Count, nl = grid.LearningRates.Count;
        var z = new double[nd, nl];
        for (int d = 0; d < nd; d++)
            for (int l = 0; l < nl; l++)
                z[d, l] = double.IsFinite(grid.Loss(d, l)) ? Math.Min(grid.Loss(d, l), hi) : double.NaN;
        var plot = new Plot();
        var map = plot.Add.Heatmap(z);
        map.Extent = new CoordinateRect(-0.5, nl - 0.5, -0.5, nd - 0.5);
        map.FlipVertically = true;                                       // row 0 (smallest decay) at the bottom
        map.ManualRange = new ScottPlot.Range(lo, hi);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.NaNCellColor = Colors.LightGray;
        var bar = plot.Add.ColorBar(map);
        bar.Label = "validation loss (nats per byte)";
        for (int d = 0; d < nd; d++)
        {
            int best = grid.BestLrIndex(d);
            for (int l = 0; l < nl; l++)
            {
                double v = grid.Loss(d, l);
                var t = plot.Add.Text(double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "diverged", l, d);
                t.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
                t.LabelFontSize = 13;
                t.LabelBold = l == best;
                t.LabelFontColor = double.IsFinite(v) && (v - lo) / (hi - lo) > 0.6 ? Colors.Black : Colors.White;
            }
            if (best >= 0) plot.Add.Marker(best, d + 0.28, MarkerShape.OpenCircle, 14, Colors.Red).LineWidth = 2;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, nl).Select(i => (double)i)
            .ToArray(),
            grid.LearningRates.Select(Fmt).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, nd).Select(i => (double)i).ToArray(),
            grid.Decays.Select(Fmt).ToArray());
        plot.Axes.SetLimits(-0.5, nl - 0.5, -0.5, nd - 0.5);
        plot.Title(title);
        plot.XLabel("learning rate");
        plot.YLabel(decayLabel);
        return plot;
    }

    /// <summary>log10 of the best learning rate per decay row, for both grids, with the spread in the legend.</summary>
    public static Plot BestLr(LrDecayGrid adam, LrDecayGrid adamw)
    {
        var plot = new Plot();
        foreach (var (name, g) in new[] { ("Adam", adam), ("AdamW", adamw) })
        {
            var best = g.BestLearningRates();
            var idx = Enumerable.Range(0, best.Count).Where(i => double.IsFinite(best[i])).ToArray();
            var sc = plot.Add.Scatter(idx.Select(i => (double)i).ToArray(), idx.Select(i => Math.Log10(best[i])).ToArray(), ColorOf(name));
            sc.LineWidth = 2.5f;
            sc.MarkerSize = 9;
            sc.LegendText =
                $"{name}: decays {string.Join(", ", g.Decays.Select(Fmt))}; spread " +
                $"{g.Log10BestLrSpread().ToString("0.00", CultureInfo.InvariantCulture)} decades";
        }
        int rows = Math.Max(adam.Decays.Count, adamw.Decays.Count);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, rows).Select(i => (double)i)
            .ToArray(),
            Enumerable.Range(0, rows).Select(i => $"row {i + 1}").ToArray());
        var lrs = adam.LearningRates.Concat(adamw.LearningRates).Distinct().OrderBy(v => v).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(lrs.Select(Math.Log10).ToArray(),
            lrs.Select(Fmt).ToArray());
        plot.Axes.SetLimits(-0.3, rows - 0.7, Math.Log10(lrs[0]) - 0.25, Math.Log10(lrs[^1]) + 0.25);
        plot.Title("Best learning rate as the decay grows");
        plot.XLabel("decay row (smallest → largest)");
        plot.YLabel("best learning rate (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
        return plot;
    }

    /// <summary>Ticks at the integer powers of ten between <paramref name="lo"/> and <paramref name="hi"/> (values are log10).</summary>
    static void LogTicks(IAxis axis, double lo, double hi)
    {
        var ks = Enumerable.Range((int)lo, (int)(hi - lo) + 1).Select(k => (double)k).ToArray();
        int stride = Math.Max(1, ks.Length / 10);
        ks = ks.Where((_, i) => i % stride == 0).ToArray();
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ks, ks.Select(k => k == 0 ? "1" : $"1e{k}").ToArray());
    }

    static double[] MovingAverage(IReadOnlyList<double> v, int window)
    {
        var r = new double[v.Count];
        double sum = 0;
        for (int i = 0; i < v.Count; i++)
        {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            r[i] = sum / Math.Min(i + 1, window);
        }
        return r;
    }

    /// <summary>Short labels for rates and decays: 0.003, 0.1, 1e-5.</summary>
    static string Fmt(double v) => v != 0 && Math.Abs(v) < 1e-3 ? v.ToString("0.##e0", CultureInfo.InvariantCulture)
        : v.ToString("G3", CultureInfo.InvariantCulture);
}
