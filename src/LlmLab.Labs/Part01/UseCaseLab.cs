using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Labs.Framework;
using LlmLab.Planning;

namespace LlmLab.Labs.Part01;

/// <summary>
/// Lab 1.1 — use-case analysis. Checks complete use-case specifications (the two worked examples by default):
/// every missing or unmeasurable item, then the numbers against each other — does the chosen model fit the chosen
/// GPUs, can it meet the latency budget (a roofline estimate). Then breaks the first spec in known ways, in memory,
/// and verifies the checker flags each break at the right field.
/// </summary>
public sealed class UseCaseLab : Lab<UseCaseLabConfig>
{
    protected override string Id => "1.1";

    public override UseCaseLabConfig Defaults(Profile profile) =>
        // Same at every profile: checking a spec is arithmetic on a few numbers (milliseconds).
        new(UseCaseExamples.FileNames.Select(f => UseCaseExamples.RelativeFolder + "/" + f).ToList());

    protected override void Validate(UseCaseLabConfig cfg)
    {
        ConfigRules.NotEmpty("specs", cfg.Specs);
        foreach (string spec in cfg.Specs) UseCaseExamples.Resolve(spec);
    }

    public override void Run(LabContext ctx, UseCaseLabConfig cfg)
    {
        var paths = cfg.Specs.Select(UseCaseExamples.Resolve).ToList();
        var r = ctx.Report;
        r.Paragraph("A use case is ready to build when every item is measurable: metrics with a target and a way to " +
                    "measure it, budgets with percentiles and numbers, a decision with reasons — and when its numbers agree: " +
                    "the chosen model must fit the chosen GPUs and be able to meet the latency budget. Lists are indexed " +
                    "from 0 in field paths (success_metrics[1] is the second metric).");

        // 1. Check each spec and list its findings.
        var results = new List<UseCaseCheckResult>();
        foreach (string path in paths)
        {
            var result = UseCaseChecker.Check(path);
            results.Add(result);
            string name = Path.GetFileName(path);
            r.Heading($"Spec {name}", 3);
            if (result.Findings.Count == 0) r.Paragraph("No findings: every item is present and measurable, and the numbers agree.");
            else r.Table(["severity", "field", "problem", "fix"],
                result.Findings.Select(f => new[] { f.Severity.ToString().ToLowerInvariant(), f.Path, f.Message, f.Fix }),
                $"{result.ErrorCount} errors, {result.WarningCount} warnings");
            ctx.Checks.KnownAnswer("worked examples written to be complete (examples/usecases)")
                .Equal($"{name} has no errors", result.ErrorCount, 0);
            ctx.Metrics.Log(new
            {
                spec = name, errors = result.ErrorCount, warnings = result.WarningCount,
                ttft_ms = result.Sizing?.TtftMs, per_token_ms = result.Sizing?.PerTokenMs, full_ms = result.Sizing?.FullResponseMs,
                memory_bytes_per_gpu = result.Sizing?.RequiredBytesPerGpu,
            });
        }

        // 2. The numbers behind the consistency checks.
        var sized = results.Where(x => x.Sizing is not null).ToList();
        r.Heading("Memory and latency estimates", 3);
        r.Paragraph($"Roofline estimates for one request served alone (Pope et al. 2022, \"Efficiently Scaling Transformer " +
                    $"Inference\"): decode reads every active weight and the KV cache once per token, at " +
                    $"{LatencyEstimator.DefaultBandwidthEfficiency:P0} of the GPUs' bandwidth; prefill runs 2·params·tokens FLOPs at " +
                    $"{LatencyEstimator.DefaultMfu:P0} MFU. They are lower bounds: queueing, batching and network come on top, so " +
                    $"an estimate above {UseCaseChecker.LatencyHeadroomWarning:P0} of a budget is a warning.");
        r.Table(["spec", "setup", "memory / GPU", "GPU memory", "TTFT est.", "TTFT p50 / p95", "ms / token", "full est.", "full p50 / p95"],
            sized.Select(x => Row(x)), "Estimates vs budgets (ms; — = no budget given)");
        if (sized.Count > 0)
            ctx.Plot("latency-vs-budget", LatencyPlot(sized), "Estimated latency as a share of each budget (100 % = the budget); " +
                string.Join(", ", sized.Select((x, i) => $"#{i + 1} = {Path.GetFileNameWithoutExtension(x.Source)}")));

        // 3. The checker must catch known breaks of the first spec.
        var basePath = paths[0];
        if (UseCaseFile.Load(basePath) is not JsonObject baseSpec)
            throw new InputException($"{basePath}: the spec is not a mapping; the broken variants need a complete spec");
        r.Heading($"Does the checker catch known mistakes? (variants of {Path.GetFileName(basePath)})", 3);
        var rows = new List<string[]>();
        foreach (var m in UseCaseMutations.All)
        {
            var result = UseCaseChecker.Check(m.ApplyTo(baseSpec), m.Name, Path.GetDirectoryName(basePath)!);
            var hit = result.Errors.FirstOrDefault(f => f.Path == m.ExpectedPath);
            ctx.Checks.KnownAnswer("a planted defect at a known path").True($"checker flags {m.Name} at {m.ExpectedPath}", hit is not null,
                hit is not null ? "flagged" : $"not flagged; errors at: {string.Join(", ", result.Errors.Select(e => e.Path).DefaultIfEmpty("none"))}");
            rows.Add([m.Name, m.ExpectedPath, hit?.Message ?? "(not flagged)"]);
        }
        r.Table(["variant", "expected field", "the checker's message"], rows);

        int flagged = rows.Count(x => x[2] != "(not flagged)");
        r.Headline("specs with 0 errors", $"{results.Count(x => x.Passed)} of {results.Count}");
        r.Headline("broken variants flagged", $"{flagged} of {rows.Count}");
        foreach (var x in sized)
            r.Headline(Path.GetFileNameWithoutExtension(x.Source), $"{x.Sizing!.Setup}: full response ≈ {Ms(x.Sizing.FullResponseMs)} ms");
    }

    static string[] Row(UseCaseCheckResult x)
    {
        var s = x.Sizing!;
        return
        [
            Path.GetFileName(x.Source), s.Setup,
            $"{ByteSize.FormatGb(s.RequiredBytesPerGpu)} ({s.MemoryUse:P0})", ByteSize.FormatGb(s.Gpu.MemoryBytes),
            Ms(s.TtftMs), $"{Ms(s.TtftP50Ms)} / {Ms(s.TtftP95Ms)}", s.PerTokenMs.ToString("0.0", CultureInfo.InvariantCulture),
            Ms(s.FullResponseMs), $"{Ms(s.FullP50Ms)} / {Ms(s.FullP95Ms)}",
        ];
    }

    static string Ms(double? v) => v is { } d ? d.ToString("#,0", CultureInfo.InvariantCulture) : "—";

    /// <summary>One bar per (spec, budget): estimate ÷ budget, with the budget line at 100 % and the warning line.</summary>
    static ScottPlot.Plot LatencyPlot(IReadOnlyList<UseCaseCheckResult> sized)
    {
        var plot = new ScottPlot.Plot();
        var bars = new List<ScottPlot.Bar>();
        var ticks = new List<(double, string)>();
        double x = 0;
        for (int i = 0; i < sized.Count; i++)
        {
            var s = sized[i].Sizing!;
            foreach (var (label, est, budget) in new[]
                     {
                         ("TTFT p50", s.TtftMs, s.TtftP50Ms), ("TTFT p95", s.TtftMs, s.TtftP95Ms),
                         ("full p50", s.FullResponseMs, s.FullP50Ms), ("full p95", s.FullResponseMs, s.FullP95Ms),
                     })
            {
                if (budget is not { } b) continue;
                double pct = 100 * est / b;
                var color = pct > 100 ? ScottPlot.Colors.Red : pct > 100 * UseCaseChecker.LatencyHeadroomWarning ? ScottPlot.Colors.Orange : ScottPlot.Colors.SeaGreen;
                bars.Add(new ScottPlot.Bar { Position = x, Value = pct, FillColor = color, Label = $"{pct:0}%" });
                ticks.Add((x, $"#{i + 1} {label}"));
                x += 1;
            }
            x += 0.8; // gap between specs
        }
        plot.Add.Bars(bars);
        var line = plot.Add.HorizontalLine(100);
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        line.Color = ScottPlot.Colors.Red;
        var warn = plot.Add.HorizontalLine(100 * UseCaseChecker.LatencyHeadroomWarning);
        warn.LinePattern = ScottPlot.LinePattern.Dotted;
        warn.Color = ScottPlot.Colors.Orange;
        plot.Axes.Bottom.SetTicks(ticks.Select(t => t.Item1).ToArray(), ticks.Select(t => t.Item2).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, Math.Max(110, bars.Select(b => b.Value).DefaultIfEmpty(0).Max() * 1.1));
        plot.Title("Roofline latency estimate ÷ budget");
        plot.YLabel("% of budget (dashed: budget, dotted: warning)");
        return plot;
    }
}
