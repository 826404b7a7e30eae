using System.Globalization;
using LlmLab.Data.Analysis;
using ScottPlot;

namespace LlmLab.Reporting;

/// <summary>The figures of lab 5.2 and <c>llmlab data stats</c> (ScottPlot 5). Log axes are drawn as log10 values with
/// labels in the original unit; nothing here computes a statistic.</summary>
public static class CorpusAnalysisPlots
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Document lengths in characters, words and tokens: three step curves on a log10 length axis.</summary>
    public static Plot Lengths(CorpusStatistics s)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var curves = new List<(string, Histogram)> { ("characters", s.CharLengths), ("words", s.WordLengths) };
        if (s.TokenLengths.Total > 0) curves.Add(("tokens", s.TokenLengths));
        foreach (var ((name, h), k) in curves.Select((c, k) => (c, k)))
        {
            var (xs, ys) = Steps(h, log: true);
            var line = plot.Add.Scatter(xs, ys, palette.GetColor(k));
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = name;
        }
        LogTicks(plot.Axes.Bottom);
        plot.Title("Document length");
        plot.XLabel("length per document (log scale)");
        plot.YLabel("documents");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    /// <summary>Rank–frequency on log–log axes with the fitted Zipf line over its fitted range.</summary>
    public static Plot Zipf(IReadOnlyList<(string Name, long[] Frequencies, PowerLawFit Fit, int FromRank, int ToRank)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var ((name, f, fit, from, to), k) in series.Select((x, k) => (x, k)))
        {
            var ranks = PowerLawFit.LogGrid(1, f.Length).ToArray();
            var dots = plot.Add.Scatter(ranks.Select(r => Math.Log10(r)).ToArray(), ranks.Select(r => Math.Log10(f[r - 1])).ToArray(),
                palette.GetColor(k));
            dots.LineWidth = 0;
            dots.MarkerSize = 3;
            dots.LegendText = $"{name} ({f.Length:N0} types)";
            var line = plot.Add.Line(Math.Log10(from), Math.Log10(fit.At(from)), Math.Log10(to), Math.Log10(fit.At(to)));
            line.Color = palette.GetColor(k).Darken(0.4);
            line.LineWidth = 2;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = string.Create(C, $"{name} fit, ranks {from:N0}–{to:N0}: s = {-fit.Exponent:0.000} (R² {fit.RSquared:0.000})");
        }
        LogTicks(plot.Axes.Bottom);
        LogTicks(plot.Axes.Left);
        plot.Title("Zipf's law: frequency against rank");
        plot.XLabel("rank (log scale)");
        plot.YLabel("occurrences (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    /// <summary>Vocabulary V(n) against words read n, log–log, with the fitted Heaps line.</summary>
    public static Plot Heaps(IReadOnlyList<(double N, double V)> curve, PowerLawFit fit)
    {
        var plot = new Plot();
        var pts = curve.Where(p => p.V > 0).ToList();
        var data = plot.Add.Scatter(pts.Select(p => Math.Log10(p.N)).ToArray(), pts.Select(p => Math.Log10(p.V)).ToArray(),
            Colors.SteelBlue);
        data.MarkerSize = 3;
        data.LegendText = "distinct word types seen";
        double a = pts[0].N, b = pts[^1].N;
        var line = plot.Add.Line(Math.Log10(a), Math.Log10(fit.At(a)), Math.Log10(b), Math.Log10(fit.At(b)));
        line.Color = Colors.DarkRed;
        line.LinePattern = LinePattern.Dashed;
        line.LineWidth = 2;
        line.LegendText = string.Create(C, $"V = {fit.Coefficient:0.00} · n^{fit.Exponent:0.000} (R² {fit.RSquared:0.000})");
        LogTicks(plot.Axes.Bottom);
        LogTicks(plot.Axes.Left);
        plot.Title("Heaps' law: vocabulary growth");
        plot.XLabel("words read, n (log scale)");
        plot.YLabel("vocabulary V(n) (log scale)");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    /// <summary>One small histogram per rule of a family, each with its published threshold(s) as red dashed lines,
    /// in a grid of <paramref name="columns"/> columns; PNG bytes.</summary>
    public static byte[] RuleGrid(CorpusStatistics s, IReadOnlyList<int> rules, int columns, int width, int height)
    {
        var plots = new List<Plot>();
        foreach (int i in rules)
        {
            var rule = QualityRules.All[i];
            var h = s.RuleHistogram(i)!;
            var plot = new Plot();
            var (xs, ys) = Steps(h, h.Log10);
            var line = plot.Add.Scatter(xs, ys, Colors.SteelBlue);
            line.MarkerSize = 0;
            line.FillY = true;
            line.FillYColor = Colors.SteelBlue.WithAlpha(0.3);
            foreach (double? t in new[] { rule.RemoveBelow, rule.RemoveAbove })
                if (t is double x)
                {
                    var v = plot.Add.VerticalLine(h.Log10 ? Math.Log10(x) : x, 2, Colors.Red, LinePattern.Dashed);
                    v.Text = rule.Condition.Contains(" or ") ? "" : rule.Condition;
                }
            if (h.Log10) LogTicks(plot.Axes.Bottom);
            double removed = s.Documents == 0 ? 0 : s.Removed(i) / (double)s.Documents;
            plot.Title(string.Create(C, $"{rule.Signal}: removes {rule.Condition} ({removed:P1})"), size: 11);
            plot.Axes.Left.Label.Text = "documents";
            plot.Axes.Left.Label.FontSize = 10;
            plots.Add(plot);
        }
        var multiplot = new Multiplot();
        multiplot.Reset(plots[0]); // a new Multiplot holds one empty plot; start from ours instead
        foreach (var p in plots.Skip(1)) multiplot.AddPlot(p);
        int rows = (rules.Count + columns - 1) / columns;
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        return multiplot.Render(width, height).GetImageBytes(ImageFormat.Png);
    }

    /// <summary>Share of documents per identified language, as bars.</summary>
    public static Plot LanguageMix(IReadOnlyList<(string Language, long Documents)> mix, long total)
    {
        var plot = new Plot();
        for (int i = 0; i < mix.Count; i++)
        {
            var bar = plot.Add.Bar(position: i, value: 100.0 * mix[i].Documents / Math.Max(1, total));
            bar.Color = mix[i].Language == "en" ? Colors.SteelBlue : Colors.Orange;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, mix.Count).Select(i => (double)i).ToArray(), mix.Select(m => m.Language).ToArray());
        plot.Title("Language mix (character n-gram naive Bayes, per document)");
        plot.YLabel("% of documents");
        return plot;
    }

    // A histogram as a step curve: x at bin edges (log10 of them on a log scale).
    static (double[] X, double[] Y) Steps(Histogram h, bool log)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int b = 0; b < h.Bins; b++)
        {
            double x0 = h.Edge(b), x1 = h.Edge(b + 1);
            xs.Add(log ? Math.Log10(x0) : x0); ys.Add(h.Counts[b]);
            xs.Add(log ? Math.Log10(x1) : x1); ys.Add(h.Counts[b]);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    static void LogTicks(IAxis axis) => axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
    {
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString(v >= 0 ? "#,0" : "0.###", C),
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
    };
}
