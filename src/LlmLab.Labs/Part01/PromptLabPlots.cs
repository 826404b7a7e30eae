using LlmLab.Agents.Prompts;
using ScottPlot;

namespace LlmLab.Labs.Part01;

/// <summary>The figure of lab 1.2 (ScottPlot 5).</summary>
internal static class PromptLabPlots
{
    /// <summary>Pass rate per family, one bar per variant, and the overall rate as a last group.</summary>
    public static Plot PassRates(PromptEvalResult r, string[] families, string[] variants, Func<string, string, bool> inFamily)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        string[] groups = [.. families, "all"];
        var bars = new List<Bar>();
        for (int g = 0; g < groups.Length; g++)
            for (int k = 0; k < variants.Length; k++)
            {
                double rate = g < families.Length ? r.PassRate("local", variants[k], t => inFamily(t, families[g])) : r.PassRate("local",
                    variants[k]);
                bars.Add(new Bar { Position = g * (variants.Length + 1) + k, FillColor = palette.GetColor(k),
                    Value = double.IsNaN(rate) ? 0 : 100 * rate });
            }
        plot.Add.Bars(bars);
        for (int k = 0; k < variants.Length; k++) plot.Legend.ManualItems.Add(new LegendItem { LabelText = variants[k],
            FillColor = palette.GetColor(k) });
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Length).Select(g
            => g * (variants.Length + 1) + (variants.Length - 1) / 2.0).ToArray(), groups);
        plot.Axes.Margins(bottom: 0);
        plot.Title("Local model: pass rate per task family and prompt variant");
        plot.YLabel("pass rate (%)");
        return plot;
    }
}
