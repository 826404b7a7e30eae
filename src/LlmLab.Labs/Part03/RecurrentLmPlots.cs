using LlmLab.Training;
using ScottPlot;

namespace LlmLab.Labs.Part03;

/// <summary>The figures of Part 3 (ScottPlot 5).</summary>
internal static class RecurrentLmPlots
{
    /// <summary>One model's evaluations, by name.</summary>
    public sealed record Curve(string Name, IReadOnlyList<EvalMetrics> Evals);

    /// <summary>Validation bits per token against steps or training seconds, one line per model, with reference levels.</summary>
    public static Plot Validation(IReadOnlyList<Curve> curves, bool bySeconds, double unigramBits, double uniformBits, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (c, k) in curves.Select((c, k) => (c, k)))
        {
            double[] xs = c.Evals.Select(e => bySeconds ? e.Seconds : e.Step).ToArray();
            double[] ys = c.Evals.Select(e => e.Bits).ToArray();
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(k));
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = c.Name;
        }
        var uni = plot.Add.HorizontalLine(unigramBits, 1.5f, Colors.Gray, LinePattern.Dashed);
        uni.LegendText = $"unigram entropy ({unigramBits:0.00})";
        var uniform = plot.Add.HorizontalLine(uniformBits, 1, Colors.LightGray, LinePattern.Dotted);
        uniform.LegendText = $"uniform, log2 V ({uniformBits:0.00})";
        plot.Title(title);
        plot.XLabel(bySeconds ? "training seconds (evaluation excluded)" : "step");
        plot.YLabel("validation bits per character");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
