using System.Globalization;
using ScottPlot;

namespace LlmLab.Labs.Part09;

/// <summary>The figures of lab 9.2 (ScottPlot 5): one colour per temperature.</summary>
internal static class SpeculativeDecodingPlots
{
    public static Plot Speedup(IReadOnlyList<SpeculativeDecodingLab.SweepPoint> sweep,
        Func<SpeculativeDecodingLab.SweepPoint, double> speedup,
        Func<SpeculativeDecodingLab.SweepPoint, double> predicted)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (t, k) in sweep.Select(s => s.Temperature).Distinct().Select((t, k) => (t, k)))
        {
            var color = palette.GetColor(k);
            var points = sweep.Where(s => s.Temperature == t).OrderBy(s => s.Gamma).ToList();
            double[] gammas = points.Select(s => (double)s.Gamma).ToArray();
            var measured = plot.Add.Scatter(gammas, points.Select(speedup).ToArray(), color);
            measured.LineWidth = 2;
            measured.MarkerSize = 6;
            measured.LegendText = $"T = {Label(t)}: measured speed-up";
            var formula = plot.Add.Scatter(gammas, points.Select(s => s.Gamma == 0 ? 1 : s.ExpectedTokensPerCall).ToArray(), color);
            formula.LinePattern = LinePattern.Dashed;
            formula.MarkerSize = 0;
            formula.LegendText = $"T = {Label(t)}: (1 − α^(γ+1)) / (1 − α)";
            var model = plot.Add.Scatter(gammas, points.Select(s => s.Gamma == 0 ? 1 : predicted(s)).ToArray(), color.WithAlpha(0.6));
            model.LinePattern = LinePattern.Dotted;
            model.MarkerSize = 0;
            model.LegendText = $"T = {Label(t)}: cost model";
        }
        var one = plot.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dotted);
        one.LegendText = "the target alone";
        plot.Title("Speculative decoding: speed-up over the target alone vs γ");
        plot.XLabel("γ (draft tokens per target call)");
        plot.YLabel("× the target alone (tokens per target call, dashed)");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    public static Plot TokensPerCall(IReadOnlyList<SpeculativeDecodingLab.SweepPoint> speculative)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (t, k) in speculative.Select(s => s.Temperature).Distinct().Select((t, k) => (t, k)))
        {
            var color = palette.GetColor(k);
            var points = speculative.Where(s => s.Temperature == t).OrderBy(s => s.Gamma).ToList();
            double[] gammas = points.Select(s => (double)s.Gamma).ToArray();
            var measured = plot.Add.ScatterPoints(gammas, points.Select(s => s.TokensPerCall).ToArray(), color);
            measured.MarkerSize = 8;
            measured.LegendText = $"T = {Label(t)}: measured";
            var formula = plot.Add.Scatter(gammas, points.Select(s => s.ExpectedTokensPerCall).ToArray(), color);
            formula.MarkerSize = 0;
            formula.LegendText = $"T = {Label(t)}: formula, α = {points.Average(s => s.Alpha):0.00} (mean)";
        }
        plot.Title("Tokens per target call");
        plot.XLabel("γ (draft tokens per target call)");
        plot.YLabel("tokens per target call");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    static string Label(double t) => t == 0 ? "0 (greedy)" : t.ToString("0.##", CultureInfo.InvariantCulture);
}
