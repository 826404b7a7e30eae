using System.Globalization;
using LlmLab.Nn.Attention;

namespace LlmLab.Labs.Part04;

/// <summary>The figures of lab 4.3: time and peak memory vs T on log–log axes, one colour per variant, solid lines for
/// non-causal calls and dashed for causal ones (no math beyond log10 for the axes).</summary>
internal static class FlashAttentionPlots
{
    public static ScottPlot.Plot Time(AttentionBenchmarkResult result, AttentionPass pass) =>
        Draw(result, pass, t => t.MinSeconds * 1e3, "time per call, ms (min of the repeats)", "Attention time vs sequence length",
        reference: null);

    public static ScottPlot.Plot Memory(AttentionBenchmarkResult result, AttentionPass pass) =>
        Draw(result, pass, t => t.PeakBytes is { } b ? b / 1e6 : double.NaN, "peak memory per call, MB (10⁶ bytes)",
            "Attention peak memory vs sequence length", reference: t => result.Options.ScoreMatrixBytes(t) / 1e6);

    static ScottPlot.Plot Draw(AttentionBenchmarkResult result, AttentionPass pass, Func<AttentionTiming, double> value, string yLabel,
                               string title, Func<int, double>? reference)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var variants = result.Variants;
        foreach (bool causal in result.Options.CausalModes)
            for (int i = 0; i < variants.Count; i++)
            {
                var points = result.Timings.Where(t => t.Variant == variants[i] && t.Causal == causal && t.Pass == pass)
                    .Select(t => (X: Math.Log10(t.Length), Y: value(t))).Where(p => p.Y > 0).OrderBy(p => p.X).ToList();
                if (points.Count == 0) continue;
                var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => Math.Log10(p.Y)).ToArray(),
                    palette.GetColor(i));
                line.LegendText = $"{variants[i]}, {(causal ? "causal" : "not causal")}";
                line.LinePattern = causal ? ScottPlot.LinePattern.Dashed : ScottPlot.LinePattern.Solid;
                line.MarkerSize = 5;
            }
        if (reference is not null)
        {
            var lengths = result.Options.Lengths.Order().ToArray();
            var r = plot.Add.Scatter(lengths.Select(t => Math.Log10(t)).ToArray(), lengths.Select(t => Math.Log10(reference(t))).ToArray(),
                ScottPlot.Colors.Gray);
            r.LinePattern = ScottPlot.LinePattern.Dotted;
            r.MarkerSize = 0;
            r.LegendText = "one (B, nh, T, T) fp32 score matrix";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            result.Options.Lengths.Select(t => Math.Log10(t)).ToArray(),
            result.Options.Lengths.Select(t => t.ToString("N0", CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        };
        plot.Title($"{title} ({(pass == AttentionPass.Forward ? "forward" : "forward + backward")})");
        plot.XLabel("sequence length T (log scale)");
        plot.YLabel(yLabel + " (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }
}
