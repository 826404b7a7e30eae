using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Nn;
using LlmLab.Reporting;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part02;

// Lab 2.1, continued: the comparison with libtorch and the timing table.
public sealed partial class CrossEntropyLab
{
    static string Reference(LabContext ctx, CrossEntropyConfig cfg)
    {
        ctx.Report.Heading("Stable version and gradients vs libtorch");
        ctx.Report.Paragraph($"Cases: {cfg.VerifyOptions.Count} option sets ({string.Join(", ", cfg.VerifyOptions)}) × V ∈ " +
            $"{{{string.Join(", ", cfg.VerifyVocabs.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))}}}, random " +
            "logits ~ N(0, 3²) and extreme logits uniform in ±1e4, in fp32 and fp64. The reference is libtorch's cross_entropy (and its " +
            "autograd gradient) evaluated in float64 on the same values, the exact answer for those inputs. Rule: a result passes when " +
            "|Δ| ≤ atol + rtol·|reference| everywhere, with (rtol, atol) = (1e-6, 1e-6) for fp32 and (1e-12, 1e-12) for fp64. The last " +
            "two columns put libtorch's own fp32/fp64 kernel under the same rule: it rounds max + log Σ exp at the logits' magnitude and " +
            "sums strided class dims in fp32, and can land outside it where the from-scratch version does not.");
        var results = new List<(string Dtype, string Kind, CrossEntropyVerification V)>();
        foreach (var (name, dtype) in Formats)
            foreach (string kind in new[] { "random", "extreme" })
                foreach (int v in cfg.VerifyVocabs)
                    foreach (string option in cfg.VerifyOptions)
                    {
                        using var scope = NewDisposeScope();
                        var c = CrossEntropyCase.Make(option, dtype, v, kind, seed: ctx.Seed);
                        results.Add((name, kind, c.Verify()));
                    }
        var rows = new List<string[]>();
        var worst = new Dictionary<string, (double Abs, double Ratio)>();
        foreach (var group in results.GroupBy(r => (r.Dtype, r.Kind)))
        {
            var list = group.Select(r => r.V).ToList();
            string label = $"{group.Key.Dtype}, {group.Key.Kind} logits ({list.Count} cases)";
            var loss = Worst(ctx.Checks.Libtorch("float64 log-softmax reference"), $"stable loss vs libtorch, {label}", list, v => v.Loss);
            double ratio = list.Max(v => v.Loss.MaxRatio);
            var autograd = Worst(ctx.Checks.Libtorch("autograd of the float64 reference"),
                $"autograd gradient of the stable loss vs libtorch's, {label}", list, v => v.Autograd);
            var analytic = Worst(ctx.Checks.Libtorch("autograd of the float64 reference"),
                $"analytic gradient vs libtorch's autograd gradient, {label}", list, v => v.Analytic);
            var versus = Worst(ctx.Checks.SelfConsistency("softmax − one-hot vs our autograd"),
                $"analytic gradient vs our autograd gradient, {label}", list, v => v.AnalyticVsAutograd);
            int libLoss = list.Count(v => !v.LibtorchLoss.Passed), libGrad = list.Count(v => !v.LibtorchAutograd.Passed);
            rows.Add([group.Key.Dtype, group.Key.Kind, list.Count.ToString(CultureInfo.InvariantCulture), G(loss), G(autograd), G(analytic),
                G(versus),
                $"{G(list.Max(v => v.LibtorchLoss.MaxAbsDiff))} ({libLoss} outside)",
                    $"{G(list.Max(v => v.LibtorchAutograd.MaxAbsDiff))} ({libGrad} outside)"]);
            var w = worst.GetValueOrDefault(group.Key.Dtype);
            worst[group.Key.Dtype] = (Math.Max(w.Abs, loss), Math.Max(w.Ratio, ratio));
            ctx.Metrics.Log(new { section = "reference", dtype = group.Key.Dtype, kind = group.Key.Kind, cases = list.Count,
                loss = Num(loss),
                autograd = Num(autograd), analytic = Num(analytic), analytic_vs_autograd = Num(versus), libtorch_loss_outside = libLoss,
                    libtorch_grad_outside = libGrad });
        }
        ctx.Report.Table(["format", "logits", "cases", "loss max |Δ|", "autograd grad max |Δ|", "analytic grad max |Δ|",
            "analytic vs autograd",
            "libtorch's own loss max |Δ|", "libtorch's own grad max |Δ|"], rows,
                "max |Δ| over every element of every case against the float64 reference");
        return string.Join("; ",
            worst.Select(w => $"{w.Key} loss {G(w.Value.Abs)} (≤ {F(w.Value.Ratio * 100, "0.#")}% of its tolerance)")) +
            $", over {results.Count} cases with losses up to ~2e4";
    }

    /// <summary>One check for a group of comparisons: passes when all do; its value is the largest max |Δ|, its
    /// measured text says where (case and index).</summary>
    static double Worst(SourcedChecks checks, string name, IReadOnlyList<CrossEntropyVerification> list,
        Func<CrossEntropyVerification, TensorComparison> pick)
    {
        var (v, c) = list.Select(v => (v, c: pick(v))).MaxBy(x => x.c.MaxRatio);
        var byAbs = list.Select(pick).Max(x => x.MaxAbsDiff);
        var failed = list.Where(x => !pick(x).Passed).ToList();
        string measured = $"max |Δ| = {G(byAbs)}; closest to the limit: {G(c.MaxRatio)} of the allowance, {c.MaxSummary()} in {v.Case}" +
            (failed.Count == 0 ? "" : $"; {failed.Count} cases outside, first: {pick(failed[0]).Describe(failed[0].Case)}");
        checks.Claim(name, c.Tol.ToString(), measured, failed.Count == 0, Num(byAbs));
        return byAbs;
    }

    static string Timing(LabContext ctx, CrossEntropyConfig cfg)
    {
        ctx.Report.Heading("Time: from scratch vs libtorch's fused kernel");
        var rows = new List<string[]>();
        var ratios = new Dictionary<string, List<double>>();
        foreach (int v in cfg.TimingVocabs)
        {
            long n = Math.Max(1, Math.Min(cfg.TimingRows, cfg.TimingMaxElements / v));
            var timings = CrossEntropyBenchmark.Run(n, v, cfg.TimingRepeats, ctx.Seed);
            foreach (var t in timings)
            {
                double lib = timings.Single(x => x.Variant == "libtorch" && x.Backward == t.Backward).MinSeconds;
                string? key = t.Variant switch
                {
                    "stable" => t.Backward ? "stable fwd+bwd (autograd)" : "stable forward",
                    "stable + analytic gradient" => "stable + analytic gradient",
                    _ => null,
                };
                if (key is not null) (ratios.TryGetValue(key, out var list) ? list : ratios[key] = []).Add(t.MinSeconds / lib);
                rows.Add([n.ToString("N0", CultureInfo.InvariantCulture), v.ToString("N0", CultureInfo.InvariantCulture), t.Variant,
                    t.Backward ? "forward + gradient" : "forward", F(t.MinSeconds * 1e3, "0.00"), F(t.MedianSeconds * 1e3, "0.00"),
                    F(t.MinSeconds / lib, "0.00") + "×"]);
                ctx.Metrics.Log(new { section = "timing", rows = n, vocab = v, variant = t.Variant, backward = t.Backward,
                    min_ms = t.MinSeconds * 1e3, median_ms = t.MedianSeconds * 1e3, ratio_to_libtorch = t.MinSeconds / lib });
            }
        }
        ctx.Report.Paragraph($"float32 logits ~ N(0, 1), {cfg.TimingRepeats} timed repeats after one warm-up round, variants " +
            $"interleaved; {ctx.Threads} intra-op thread(s); N = min({cfg.TimingRows:N0}, {cfg.TimingMaxElements:N0} / V). The ratio is " +
            "the min time over libtorch's min time for the same pass. The from-scratch versions run several elementwise passes over the " +
            "(N, V) logits, each writing a new tensor, where libtorch's log_softmax and its backward are each one fused " +
            "pass. Measurements, not checks.");
        ctx.Report.Table(["N", "V", "variant", "pass", "min (ms)", "median (ms)", "vs libtorch (min)"], rows);
        return string.Join("; ", ratios.Select(r => $"{r.Key} {F(r.Value.Min(), "0.0")}–{F(r.Value.Max(), "0.0")}×")) +
            $" libtorch's min time (V = {string.Join(", ", cfg.TimingVocabs)})";
    }
}
