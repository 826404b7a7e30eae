using ScottPlot;

namespace LlmLab.Labs.Part07;

/// <summary>The figures of lab 7.2 (ScottPlot 5).</summary>
internal static class DpoPpoLabPlots
{
    /// <summary>One curve per method of <paramref name="value"/> over training steps.</summary>
    public static Plot Curves(IReadOnlyList<DpoPpoLab.Method> methods, Func<DpoPpoLab.CurvePoint, double> value, string label)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < methods.Count; k++)
        {
            var c = methods[k].Curve;
            if (c.Count == 0) continue;
            var s = plot.Add.Scatter(c.Select(p => (double)p.Step).ToArray(), c.Select(value).ToArray(), palette.GetColor(k + 1));
            s.LineWidth = 2;
            s.MarkerSize = 5;
            s.LegendText = methods[k].Name;
        }
        plot.XLabel("training step");
        plot.YLabel(label);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    /// <summary>Final (KL, reward) per method: the reward–KL frontier.</summary>
    public static Plot Frontier(IReadOnlyList<DpoPpoLab.Method> methods)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < methods.Count; k++)
        {
            var s = plot.Add.Scatter(new[] { methods[k].Kl }, new[] { methods[k].Reward }, palette.GetColor(k));
            s.MarkerSize = 10;
            s.LegendText = methods[k].Name;
        }
        plot.XLabel("KL to the SFT reference (nats per reply)");
        plot.YLabel("reward model's mean reward (held-out replies)");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }

    /// <summary>Checker-judged accuracy per family, one bar per method.</summary>
    public static Plot Accuracy(IReadOnlyList<DpoPpoLab.Method> methods)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var families = methods[0].Scores.Select(s => s.Family).ToArray();
        var bars = new List<Bar>();
        for (int f = 0; f < families.Length; f++)
            for (int k = 0; k < methods.Count; k++)
                bars.Add(new Bar
                {
                    Position = f * (methods.Count + 1) + k, FillColor = palette.GetColor(k),
                    Value = 100 * (methods[k].Scores.FirstOrDefault(s => s.Family == families[f])?.Accuracy ?? 0),
                });
        plot.Add.Bars(bars);
        for (int k = 0; k < methods.Count; k++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = methods[k].Name, FillColor = palette.GetColor(k) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, families.Length).Select(f => f * (methods.Count + 1) + (methods.Count - 1) / 2.0).ToArray(), families);
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("accuracy (%)");
        return plot;
    }
}
