using ScottPlot;

namespace LlmLab.Labs.Part04;

/// <summary>The figure of lab 4.1 (ScottPlot 5): one colour per tokenization, solid for the GPT, dashed for the LSTM.</summary>
internal static class MinimalTransformerPlots
{
    public static Plot Curves(IReadOnlyList<MinimalTransformerLab.ModelRun> runs, IReadOnlyList<MinimalTransformerData> levels)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (data, k) in levels.Select((d, k) => (d, k)))
        {
            var color = palette.GetColor(k);
            foreach (var run in runs.Where(r => r.Level == data.Level))
            {
                var evals = run.Training.Evals;
                var line = plot.Add.Scatter(evals.Select(e => e.Seconds).ToArray(), evals.Select(e => data.BitsPerChar(e.Loss)).ToArray(),
                    color);
                line.LineWidth = 2;
                line.MarkerSize = 5;
                line.LinePattern = run.Model == "GPT" ? LinePattern.Solid : LinePattern.Dashed;
                line.LegendText = $"{run.Name}: {run.FinalBpc:0.000}";
            }
            var unigram = plot.Add.HorizontalLine(data.UnigramBitsPerChar, 1, color.WithAlpha(0.5), LinePattern.Dotted);
            unigram.LegendText = $"unigram, {data.Level}: {data.UnigramBitsPerChar:0.00}";
        }
        // The first points (log2 V at character level, before training) would squash the curves: the axis stops a little
        // above the highest unigram line and second point.
        double top = Math.Max(levels.Max(d => d.UnigramBitsPerChar),
            runs.Max(r => r.Training.Evals.Count > 1 ? r.Data.BitsPerChar(r.Training.Evals[1].Loss) : r.InitialBpc));
        double bottom = runs.Min(r => r.FinalBpc);
        plot.Axes.SetLimitsY(Math.Max(0, bottom - 0.3), top + 0.3);
        plot.Title("Validation bits per character, GPT vs LSTM (equal parameters, equal time)");
        plot.XLabel("training seconds (evaluation excluded)");
        plot.YLabel("validation bits per character");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
