using ScottPlot;

namespace LlmLab.Labs.Part04;

/// <summary>The figures of lab 4.2 (ScottPlot 5).</summary>
internal static class DenseVsMoePlots
{
    public static Plot ValidationLoss(IReadOnlyList<DenseVsMoeLab.ModelRun> runs)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (run, k) in runs.Select((r, k) => (r, k)))
        {
            var evals = run.Training.Evals.Skip(1).ToArray(); // step 0 (ln V) would squash the curves
            var line = plot.Add.Scatter(evals.Select(e => (double)e.Step).ToArray(), evals.Select(e => e.Loss).ToArray(),
                palette.GetColor(k));
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = $"{run.Name}: {run.FinalLoss:0.000}";
        }
        plot.Title("Validation loss at equal steps");
        plot.XLabel("training step");
        plot.YLabel("validation loss (nats per token)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot LoadOverTraining(IReadOnlyList<DenseVsMoeLab.ModelRun> runs, int window)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var run in runs.Where(r => r.Load is not null))
        {
            var history = run.Load!.History(window);
            bool aux = run.Config.AuxLossCoefficient > 0;
            for (int e = 0; e < run.Load.Experts; e++)
            {
                var line = plot.Add.Scatter(history.Select(h => (double)h.Step).ToArray(), history.Select(h => h.Shares[e]).ToArray(),
                    palette.GetColor(e % 10));
                line.LineWidth = aux ? 2 : 1.5f;
                line.MarkerSize = 0;
                line.LinePattern = aux ? LinePattern.Solid : LinePattern.Dashed;
                if (e == 0) line.LegendText = run.Name;
            }
            if (aux) plot.Add.HorizontalLine(1.0 / run.Load.Experts, 1, Colors.Gray, LinePattern.Dotted);
        }
        plot.Title("Expert load over training (one colour per expert)");
        plot.XLabel("training step");
        plot.YLabel("share of routing assignments");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    public static Plot LoadHistogram(IReadOnlyList<DenseVsMoeLab.ModelRun> runs, int fromStep)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var moe = runs.Where(r => r.Load is not null).ToArray();
        int experts = moe[0].Load!.Experts, layers = moe[0].Load!.Layers;
        double width = 0.8 / moe.Length;
        var ticks = new List<Tick>();
        foreach (var (run, v) in moe.Select((r, v) => (r, v)))
        {
            var bars = new List<Bar>();
            for (int l = 0; l < layers; l++)
            {
                double[] shares = LlmLab.Nn.Moe.ExpertLoad.Shares(run.Load!.Load(l, fromStep));
                for (int e = 0; e < experts; e++)
                {
                    double x = l * (experts + 1) + e + (v - (moe.Length - 1) / 2.0) * width;
                    bars.Add(new Bar { Position = x, Value = shares[e], Size = width, FillColor = palette.GetColor(v + 1) });
                    if (v == 0) ticks.Add(new Tick(l * (experts + 1) + e, layers > 1 ? $"L{l}·e{e}" : $"e{e}"));
                }
            }
            plot.Add.Bars(bars).LegendText = run.Name;
        }
        plot.Add.HorizontalLine(1.0 / experts, 1, Colors.Gray, LinePattern.Dotted);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Title($"Expert load histogram, steps {fromStep} on");
        plot.XLabel("layer · expert");
        plot.YLabel("share of the layer's assignments");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
