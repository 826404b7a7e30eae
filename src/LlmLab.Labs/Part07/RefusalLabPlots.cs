using LlmLab.Alignment.Refusal;
using ScottPlot;

namespace LlmLab.Labs.Part07;

/// <summary>The figures of lab 7.3 (ScottPlot 5).</summary>
internal static class RefusalLabPlots
{
    /// <summary>Refusal (y) against over-refusal (x) on the hand-written set, one curve per gate as its threshold moves,
    /// its operating point marked, and the keyword filter as a single point.</summary>
    public static Plot Sweep(IReadOnlyList<RefusalLab.GateRun> gates, IReadOnlyList<RefusalPrompt> heldOut, RefusalConfusion keyword)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        bool[] y = heldOut.Select(p => p.Unsafe).ToArray();
        for (int k = 0; k < gates.Count; k++)
        {
            var g = gates[k];
            var pts = ThresholdSweep.Compute(g.HeldOutScores, y, ThresholdSweep.Grid(99));
            var s = plot.Add.Scatter(pts.Select(p => 100 * p.OverRefusalRate).ToArray(), pts.Select(p => 100 * p.RefusalRate).ToArray(),
                palette.GetColor(k));
            s.MarkerSize = 3;
            s.LegendText = $"{g.Name} (AUC {ThresholdSweep.Auc(g.HeldOutScores, y):0.00})";
            var op = g.HeldOut(heldOut);
            var m = plot.Add.Marker(100 * op.OverRefusalRate, 100 * op.RefusalRate, MarkerShape.FilledDiamond, 12, palette.GetColor(k));
            m.LegendText = $"{g.Name} at threshold {g.Gate.Threshold:0.##}";
        }
        var kw = plot.Add.Marker(100 * keyword.OverRefusalRate, 100 * keyword.RefusalRate, MarkerShape.FilledSquare, 12, Colors.Black);
        kw.LegendText = "keyword filter";
        var chance = plot.Add.Line(0, 0, 100, 100);
        chance.Color = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        plot.Title("Refusal vs over-refusal (hand-written held-out set)");
        plot.XLabel("over-refusal: safe-looking prompts refused (%)");
        plot.YLabel("refusal: unsafe prompts refused (%)");
        plot.Axes.SetLimits(-2, 102, -2, 102);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }

    /// <summary>Per system: refusal, over-refusal and 7.1 task accuracy, as grouped bars.</summary>
    public static Plot Systems(IReadOnlyList<RefusalLab.SystemRun> systems)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        string[] measures = ["refusal (unsafe)", "over-refusal (safe-looking)", "7.1 task accuracy"];
        var bars = new List<Bar>();
        for (int s = 0; s < systems.Count; s++)
        {
            double[] v = [systems[s].Confusion.RefusalRate, systems[s].Confusion.OverRefusalRate, systems[s].TaskAccuracy];
            for (int m = 0; m < measures.Length; m++)
                bars.Add(new Bar { Position = s * (measures.Length + 1) + m, Value = 100 * v[m], FillColor = palette.GetColor(m) });
        }
        plot.Add.Bars(bars);
        for (int m = 0; m < measures.Length; m++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = measures[m],
            FillColor = palette.GetColor(m) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, systems.Count).Select(s => s * (measures.Length + 1) + 1.0).ToArray(),
            systems.Select(s => s.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("%");
        plot.Title("Ways to refuse: refusal, over-refusal, helpfulness");
        return plot;
    }
}
