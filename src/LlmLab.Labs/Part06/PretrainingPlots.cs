using LlmLab.Data.Analysis;
using LlmLab.Training;
using ScottPlot;

namespace LlmLab.Labs.Part06;

/// <summary>The figures of lab 6 (ScottPlot 5).</summary>
internal static class PretrainingPlots
{
    /// <summary>One model of the scaling check.</summary>
    public sealed record ScalingPoint(int Width, long Parameters, double Compute, double Loss, double TokensPerSecond);

    public static Plot Loss(TrainingResult r, double unigram)
    {
        var plot = new Plot();
        var train = plot.Add.ScatterLine(r.Steps.Select(s => (double)s.Step).ToArray(), r.Steps.Select(s => s.Loss).ToArray(), Colors.SteelBlue.WithAlpha(0.6));
        train.LegendText = "training loss (per step)";
        var val = plot.Add.Scatter(r.Evals.Select(e => (double)e.Step).ToArray(), r.Evals.Select(e => e.Loss).ToArray(), Colors.OrangeRed);
        val.LineWidth = 2;
        val.MarkerSize = 6;
        val.LegendText = $"validation loss: {r.Final!.Loss:0.000}";
        var baseline = plot.Add.HorizontalLine(unigram, 1, Colors.Gray, LinePattern.Dotted);
        baseline.LegendText = $"unigram baseline: {unigram:0.000}";
        plot.Title("Loss (nats per token)");
        plot.XLabel("step");
        plot.YLabel("loss (nats/token)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot LrAndGradNorm(TrainingResult r, double clip)
    {
        var plot = new Plot();
        double[] steps = r.Steps.Select(s => (double)s.Step).ToArray();
        var lr = plot.Add.ScatterLine(steps, r.Steps.Select(s => s.LearningRate).ToArray(), Colors.SeaGreen);
        lr.LineWidth = 2;
        lr.LegendText = "learning rate (left)";
        var norm = plot.Add.ScatterLine(steps, r.Steps.Select(s => s.GradNorm).ToArray(), Colors.Purple.WithAlpha(0.7));
        norm.Axes.YAxis = plot.Axes.Right;
        norm.LegendText = "gradient norm before clipping (right)";
        if (clip > 0)
        {
            var c = plot.Add.HorizontalLine(clip, 1, Colors.Purple.WithAlpha(0.4), LinePattern.Dashed);
            c.Axes.YAxis = plot.Axes.Right;
            c.LegendText = $"clip at {clip}";
        }
        plot.Title("Learning-rate schedule and gradient norm");
        plot.XLabel("step");
        plot.Axes.Left.Label.Text = "learning rate";
        plot.Axes.Right.Label.Text = "global gradient L2 norm";
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot Throughput(TrainingResult r)
    {
        var plot = new Plot();
        double[] steps = r.Steps.Select(s => (double)s.Step).ToArray();
        var tps = plot.Add.ScatterLine(steps, r.Steps.Select(s => s.TokensPerSecond).ToArray(), Colors.SteelBlue);
        tps.LegendText = "tokens/s (left)";
        var mfu = plot.Add.ScatterLine(steps, r.Steps.Select(s => 100 * (s.Mfu ?? 0)).ToArray(), Colors.DarkOrange.WithAlpha(0.7));
        mfu.Axes.YAxis = plot.Axes.Right;
        mfu.LegendText = "MFU, % (right)";
        plot.Title("Throughput and model FLOPs utilisation");
        plot.XLabel("step");
        plot.Axes.Left.Label.Text = "tokens per second";
        plot.Axes.Right.Label.Text = "MFU (%)";
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }

    /// <summary>log10 loss against log10 parameters, points and the fitted line.</summary>
    public static Plot Scaling(IReadOnlyList<ScalingPoint> points, PowerLawFit byParams) =>
        LogLogFit(points.Select(p => (double)p.Parameters), points, byParams, Colors.SteelBlue, "models (same tokens)",
            $"loss ∝ N^{byParams.Exponent:0.000} (R² {byParams.RSquared:0.00})", "Scaling at a fixed token budget", "log10 parameters N");

    /// <summary>log10 loss against log10 compute (training FLOPs), points and the fitted line.</summary>
    public static Plot ScalingCompute(IReadOnlyList<ScalingPoint> points, PowerLawFit byCompute) =>
        LogLogFit(points.Select(p => p.Compute), points, byCompute, Colors.SeaGreen, "models",
            $"loss ∝ C^{byCompute.Exponent:0.000}", "Loss against training compute", "log10 training FLOPs C (6N + attention, × tokens)");

    /// <summary>log10 final loss against log10 of <paramref name="xs"/> (one per point), with the power-law fit dashed.</summary>
    static Plot LogLogFit(IEnumerable<double> xs, IReadOnlyList<ScalingPoint> points, PowerLawFit powerLaw, Color color, string pointsLegend,
        string fitLegend, string title, string xLabel)
    {
        var plot = new Plot();
        double[] x = xs.Select(Math.Log10).ToArray();
        var dots = plot.Add.ScatterPoints(x, points.Select(p => Math.Log10(p.Loss)).ToArray(), color);
        dots.MarkerSize = 9;
        dots.LegendText = pointsLegend;
        double[] fx = [x.Min(), x.Max()];
        var fit = plot.Add.ScatterLine(fx, fx.Select(v => Math.Log10(powerLaw.At(Math.Pow(10, v)))).ToArray(), Colors.OrangeRed);
        fit.LinePattern = LinePattern.Dashed;
        fit.LegendText = fitLegend;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("log10 final validation loss (nats)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
