using LlmLab.Labs.Framework;
using LlmLab.Monitoring.Drift;
using ScottPlot;

namespace LlmLab.Labs.Part10;

public sealed partial class DriftDetectionLab
{
    // What gets injected: a boilerplate paragraph appended to a share of the texts from the onset on — as when a client
    // starts sending a long fixed instruction with every prompt. Its words are ordinary, so only some features move.
    const string Boilerplate = "\n\nPlease answer in a formal tone, cite the relevant documentation, keep the answer short, " +
        "and do not include any code unless it is strictly necessary for the explanation of the concept above.";

    /// <summary>Section 3: a shift injected at a known row of a stream, watched by a sliding window.</summary>
    static void InjectedShift(LabContext ctx, DriftDetectionConfig cfg)
    {
        var pool = ctx.Corpus.Read().Select(d => d.Text).Take(cfg.ReferenceRows + cfg.StreamRows).ToArray();
        if (pool.Length < cfg.ReferenceRows + cfg.StreamRows)
        {
            ctx.Checks.KnownAnswer("the injected shift").Unavailable("the corpus holds the reference and the stream",
                $"{cfg.ReferenceRows + cfg.StreamRows} documents", $"corpus '{ctx.Corpus.Name}' has {pool.Length}: lower stream_rows");
            return;
        }
        var rng = ctx.Rng("injected-shift");
        rng.Shuffle(pool); // mix the sources: before the onset, stream and reference are one population
        var reference = TextFeatures.Table(pool[..cfg.ReferenceRows]);
        var stream = pool[cfg.ReferenceRows..].Select((t, i) => i >= cfg.Onset && rng.NextDouble() < cfg.InjectionRate ? t + Boilerplate : t).ToList();
        var table = TextFeatures.Table(stream);
        var withLanguage = SlidingWindowDetector.Run(reference, table, cfg.Onset, cfg.Window, cfg.Step, new DriftOptions { Correction = MultipleTesting.Bonferroni });
        // The monitored rules run on the numeric features: a language the reference never saw (one French snippet in a window)
        // has expected count 0, so chi-square gives χ² = ∞ and p = 0 — Evidently's test has no minimum expected count.
        reference = Numeric(reference);
        table = Numeric(table);
        var bonferroni = SlidingWindowDetector.Run(reference, table, cfg.Onset, cfg.Window, cfg.Step, new DriftOptions { Correction = MultipleTesting.Bonferroni });
        var share = SlidingWindowDetector.Run(reference, table, cfg.Onset, cfg.Window, cfg.Step);

        ctx.Report.Heading("3. An injected shift with a known onset");
        ctx.Report.Paragraph($"Reference: {cfg.ReferenceRows} documents of {ctx.Corpus.Name}; stream: {cfg.StreamRows} others, in random order. From row " +
            $"{cfg.Onset} on, {cfg.InjectionRate:P0} of the texts get a fixed instruction paragraph appended ({Boilerplate.Trim().Length} characters). " +
            $"A window of the last {cfg.Window} rows is tested every {cfg.Step} rows against the reference with two rules on the numeric features: any column " +
            $"drifted with Bonferroni-corrected p-values (alibi-detect), and ≥ 50 % of columns drifted (Evidently's dataset drift). The third row adds " +
            "the language column: chi-square meets languages the reference never saw (expected count 0, so p = 0) and alarms on them.");
        ctx.Report.Table(["rule", "detection delay (rows after onset)", "false alarms", "clean windows", "false-alarm rate"],
            new[] { ("any numeric column, Bonferroni", bonferroni), ("≥ 50 % of numeric columns (Evidently)", share),
                ("any column with language (chi-square), Bonferroni", withLanguage) }.Select(r => new[]
            {
                r.Item1, r.Item2.DetectionDelay?.ToString(C) ?? "never", r.Item2.FalseAlarms.ToString(C), r.Item2.CleanWindows.ToString(C),
                r.Item2.FalseAlarmRate.ToString("0.000", C),
            }));
        ctx.Checks.KnownAnswer($"the shift injected at row {cfg.Onset}").True("the monitor (any numeric column, Bonferroni) alarms within one window of the onset",
            bonferroni.DetectionDelay is { } d && d <= cfg.Window, $"delay = {bonferroni.DetectionDelay?.ToString(C) ?? "never"} rows (window {cfg.Window})");
        // Bonferroni bounds the per-window family-wise false-alarm rate by α = 0.05 (Boole's inequality); windows overlap, so the
        // realised rate over one stream is noisy around it: allow three times α.
        ctx.Checks.Formula("Bonferroni: P(any column false alarm) ≤ α = 0.05 per window").AtMost(
            "false-alarm rate before the onset (any numeric column, Bonferroni)", bonferroni.FalseAlarmRate, 0.15);
        ctx.Report.Headline("injected shift: detection delay", $"{bonferroni.DetectionDelay?.ToString(C) ?? "never"} rows, false-alarm rate {bonferroni.FalseAlarmRate:0.000}");
        ctx.Plot("injected-shift", Plot(cfg, bonferroni, share), "Share of columns drifted per window, and alarms, against the window's last row; the dashed line is the onset");
    }

    static DriftTable Numeric(DriftTable t) => new(t.Columns.Where(c => c.Kind == ColumnKind.Numeric), t.Rows);

    static Plot Plot(DriftDetectionConfig cfg, ShiftDetection bonferroni, ShiftDetection share)
    {
        var plot = new Plot();
        double[] xs = share.Verdicts.Select(v => (double)v.End).ToArray();
        var s = plot.Add.Scatter(xs, share.Verdicts.Select(v => v.DriftedShare).ToArray());
        s.LegendText = "share of columns drifted (p < 0.05, distances ≥ 0.1)";
        var alarms = bonferroni.Verdicts.Where(v => v.Drifted).ToList();
        if (alarms.Count > 0)
        {
            var m = plot.Add.ScatterPoints(alarms.Select(v => (double)v.End).ToArray(), alarms.Select(_ => 1.02).ToArray());
            m.LegendText = "alarm: any numeric column (Bonferroni)";
        }
        var onset = plot.Add.VerticalLine(cfg.Onset, 2, Colors.Red, LinePattern.Dashed);
        onset.LegendText = $"onset (row {cfg.Onset})";
        plot.Add.HorizontalLine(0.5, 1, Colors.Gray, LinePattern.Dotted);
        plot.XLabel("stream row (window end)");
        plot.YLabel("share of feature columns drifted");
        plot.Axes.SetLimitsY(-0.02, 1.08);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }
}
