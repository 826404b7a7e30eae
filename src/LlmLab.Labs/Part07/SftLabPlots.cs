using ScottPlot;

namespace LlmLab.Labs.Part07;

/// <summary>The figures of lab 7.1 (ScottPlot 5).</summary>
internal static class SftLabPlots
{
    /// <summary>Held-out SFT loss (assistant tokens of the test conversations) per trained variant.</summary>
    public static Plot Losses(IReadOnlyList<SftLab.Variant> variants)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var v in variants.Where(v => v.Training is not null))
        {
            var color = palette.GetColor(k++);
            var train = v.Training!.Steps;
            var s = plot.Add.Scatter(train.Select(m => (double)m.Step).ToArray(), train.Select(m => m.Loss).ToArray(), color.WithAlpha(0.35));
            s.MarkerSize = 0;
            s.LegendText = $"{v.Name}: training";
            var e = plot.Add.Scatter(v.Training.Evals.Select(m => (double)m.Step).ToArray(), v.Training.Evals.Select(m => m.Loss).ToArray(), color);
            e.LineWidth = 2;
            e.LegendText = $"{v.Name}: held-out templates";
        }
        plot.Title("SFT loss on assistant tokens (nats)");
        plot.XLabel("step");
        plot.YLabel("cross-entropy per assistant token");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    /// <summary>Exact-match accuracy per family, one bar per variant.</summary>
    public static Plot Accuracy(IReadOnlyList<SftLab.Variant> variants)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var families = variants[0].Scores.Select(s => s.Family).ToArray();
        var bars = new List<Bar>();
        for (int f = 0; f < families.Length; f++)
            for (int k = 0; k < variants.Count; k++)
                bars.Add(new Bar
                {
                    Position = f * (variants.Count + 1) + k, FillColor = palette.GetColor(k),
                    Value = 100 * (variants[k].Scores.FirstOrDefault(s => s.Family == families[f])?.Accuracy ?? 0),
                });
        plot.Add.Bars(bars);
        for (int k = 0; k < variants.Count; k++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = variants[k].Name, FillColor = palette.GetColor(k) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, families.Length).Select(f => f * (variants.Count + 1) + (variants.Count - 1) / 2.0).ToArray(), families);
        plot.Axes.Margins(bottom: 0);
        plot.Title("Exact-match accuracy on held-out templates, per task family");
        plot.YLabel("accuracy (%)");
        return plot;
    }

    /// <summary>Accuracy vs training conversations (full fine-tuning, fixed steps).</summary>
    public static Plot Scaling(IReadOnlyList<SftLab.Variant> points, double baseAccuracy)
    {
        var plot = new Plot();
        var s = plot.Add.Scatter(points.Select(p => (double)p.Examples).ToArray(), points.Select(p => 100 * p.Accuracy).ToArray());
        s.LineWidth = 2;
        s.MarkerSize = 7;
        s.LegendText = "full fine-tuning";
        var b = plot.Add.HorizontalLine(100 * baseAccuracy, 1, Colors.Gray, LinePattern.Dashed);
        b.LegendText = "base, few-shot";
        plot.Title("Data scaling: held-out accuracy vs training conversations");
        plot.XLabel("training conversations (all families)");
        plot.YLabel("accuracy (%)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }
}
