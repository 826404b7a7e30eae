using ScottPlot;

namespace LlmLab.Labs.Part09;

/// <summary>The figure of lab 9.3 (ScottPlot 5): one colour per family of formats.</summary>
internal static class QuantizationPlots
{
    public static Plot IncreaseVsBits(IReadOnlyList<QuantizationLab.FormatRun> runs,
        Func<QuantizationLab.FormatRun, double> increasePercent)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (family, k) in runs.Select(r => r.Format).Distinct().Select((f, k) => (f, k)))
        {
            var members = runs.Where(r => r.Format == family).OrderBy(r => r.Summary.BitsPerWeight).ToList();
            var color = palette.GetColor(k);
            var points = plot.Add.Scatter(members.Select(r => r.Summary.BitsPerWeight).ToArray(), members.Select(increasePercent).ToArray(),
                color);
            points.MarkerSize = 9;
            points.LineWidth = members.Count > 1 ? 1 : 0;
            points.LegendText = family.ToString();
            foreach (var r in members)
            {
                var label = plot.Add.Text(r.Label, r.Summary.BitsPerWeight, increasePercent(r));
                label.LabelFontSize = 11;
                label.LabelFontColor = color;
                label.LabelOffsetX = 6;
            }
        }
        var zero = plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        zero.LegendText = "fp32";
        plot.Title("Perplexity increase vs storage bits per weight");
        plot.XLabel("bits per quantized weight (scales and zero points included)");
        plot.YLabel("perplexity increase over fp32 (%)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
