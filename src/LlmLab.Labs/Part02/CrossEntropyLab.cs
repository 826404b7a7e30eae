using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Nn;
using LlmLab.Reporting;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part02;

/// <summary>
/// Lab 2.1 — cross-entropy from scratch. Sweeps the logit scale to show where the naive softmax-then-log breaks
/// (and that the prediction from the float formats' range says where), checks ln V at uniform logits, verifies the
/// stable version and both gradients against libtorch's <c>cross_entropy</c> over every option, and times the
/// variants against libtorch's fused kernel. The math is in <see cref="CrossEntropy"/>.
/// </summary>
public sealed partial class CrossEntropyLab : Lab<CrossEntropyConfig>
{
    protected override string Id => "2.1";

    public override CrossEntropyConfig Defaults(Profile profile) => CrossEntropyConfig.For(profile);

    protected override void Validate(CrossEntropyConfig cfg)
    {
        ConfigRules.NotEmpty("uniform_vocabs", cfg.UniformVocabs);
        ConfigRules.NotEmpty("verify_options", cfg.VerifyOptions);
        ConfigRules.NotEmpty("verify_vocabs", cfg.VerifyVocabs);
        ConfigRules.NotEmpty("timing_vocabs", cfg.TimingVocabs);
        foreach (string o in cfg.VerifyOptions.Where(o => !CrossEntropyCase.OptionSets.Contains(o)))
            throw new InputException(
                $"--set verify_options: unknown option set '{o}'; use some of {string.Join(", ", CrossEntropyCase.OptionSets)}");
        foreach (int v in cfg.UniformVocabs) ConfigRules.AtLeast("uniform_vocabs", v, 2);
        foreach (int v in cfg.VerifyVocabs) ConfigRules.AtLeast("verify_vocabs", v, 2);
        foreach (int v in cfg.TimingVocabs) ConfigRules.AtLeast("timing_vocabs", v, 2);
        ConfigRules.AtLeast("sweep_rows", cfg.SweepRows, 1);
        ConfigRules.AtLeast("sweep_vocab", cfg.SweepVocab, 2);
        ConfigRules.AtLeast("sweep_points", cfg.SweepPoints, 2);
        ConfigRules.AtLeast("sweep_from", cfg.SweepFrom, 1e-6);
        ConfigRules.AtLeast("sweep_to", cfg.SweepTo, cfg.SweepFrom * 1.01);
        ConfigRules.AtLeast("timing_rows", cfg.TimingRows, 1);
        ConfigRules.AtLeast("timing_max_elements", cfg.TimingMaxElements, cfg.TimingVocabs.Max());
        ConfigRules.AtLeast("timing_repeats", cfg.TimingRepeats, 1);
    }

    public override void Run(LabContext ctx, CrossEntropyConfig cfg)
    {
        string failure = Sweep(ctx, cfg);
        Uniform(ctx, cfg);
        string reference = Reference(ctx, cfg);
        string speed = Timing(ctx, cfg);
        ctx.Report.Headline("fp32 naive cross-entropy first fails at", failure);
        ctx.Report.Headline("stable vs libtorch (exact, float64), max |Δ|", reference);
        ctx.Report.Headline("time vs libtorch's fused kernel", speed);
    }

    static readonly (string Name, ScalarType Dtype)[] Formats = [("fp32", ScalarType.Float32), ("fp64", ScalarType.Float64)];

    string Sweep(LabContext ctx, CrossEntropyConfig cfg)
    {
        ctx.Report.Heading("Where the naive version breaks");
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)Seeding.DeriveSeed(ctx.Seed, "sweep"));
        var d = randn([cfg.SweepRows, cfg.SweepVocab], float64, generator: g);   // (N, V) direction
        var y = randint(0, cfg.SweepVocab, [cfg.SweepRows], generator: g);        // (N)
        double[] scales = CrossEntropyScaleSweep.LogSpaced(cfg.SweepFrom, cfg.SweepTo, cfg.SweepPoints);
        double step = scales[1] / scales[0];
        var sweeps = new Dictionary<string, IReadOnlyList<CrossEntropySweepPoint>>();
        var predicted = new Dictionary<string, double?>();
        var rows = new List<string[]>();
        string headline = "";
        foreach (var (name, dtype) in Formats)
        {
            var points = CrossEntropyScaleSweep.Run(d, y, scales, dtype);
            sweeps[name] = points;
            var tol = TensorComparison.Tolerance.For(dtype);
            var failed = points.FirstOrDefault(p => !p.NaiveFinite);
            var forecast = points.FirstOrDefault(p => p.Predicted.Length > 0);
            var inaccurate = points.FirstOrDefault(p => !(Math.Abs(p.Naive - p.Reference) <= tol.Bound(p.Reference)));
            predicted[name] = forecast?.Scale;
            double alone = CrossEntropyScaleSweep.OverflowScale(d, dtype);
            var stable = TensorComparison.Of(tensor(points.Select(p => p.Stable).ToArray()),
                tensor(points.Select(p => p.Reference).ToArray()), tol);
            foreach (var p in points)
                ctx.Metrics.Log(new { section = "sweep", format = name, scale = p.Scale, reference = Num(p.Reference), naive = Num(p.Naive),
                    naive_value = F(p.Naive), stable = Num(p.Stable), predicted = p.Predicted });

            ctx.Checks.Formula("exp overflows past ln(the format's largest finite value)")
                .True($"{name}: the naive loss is NaN or ∞ at s = {F(cfg.SweepTo)} (the failure the lab demonstrates)",
                !points[^1].NaiveFinite, $"naive = {F(points[^1].Naive)}, stable = {F(points[^1].Stable)}");
            string where = $"{name}: first NaN/∞ of the naive loss at the scale the format's range predicts, ± one grid step";
            if (forecast is null || failed is null)
                ctx.Checks.Formula("exp overflows past ln(the format's largest finite value)")
                    .True(where, false,
                        $"predicted {F(forecast?.Scale ?? double.NaN)}, measured " +
                        $"{F(failed?.Scale ?? double.NaN)}: widen the sweep (sweep_to)");
            else
                ctx.Checks.Formula("exp overflows past ln(the format's largest finite value)")
                    .InRange($"{where} ({forecast.Predicted} at s = {F(forecast.Scale)})", failed.Scale, forecast.Scale / step * 0.999,
                        forecast.Scale * step * 1.001);
            ctx.Checks.Libtorch("float64 log-softmax reference")
                .Claim($"{name}: stable loss within tolerance of the exact loss at every scale ({points.Count} scales)",
                tol.ToString(), $"max |Δ| = {G(stable.MaxAbsDiff)} at s = {F(points[(int)stable.MaxIndex[0]].Scale)}", stable.Passed,
                    Num(stable.MaxAbsDiff));
            rows.Add([name, F(CrossEntropyScaleSweep.OverflowLogit(dtype), "0.00"), F(CrossEntropyScaleSweep.UnderflowLoss(dtype), "0.00"),
                F(alone),
                forecast is null ? "—" : $"{F(forecast.Scale)} ({forecast.Predicted})", failed is null ? "none" : F(failed.Scale),
                inaccurate is null ? "none" : F(inaccurate.Scale), G(stable.MaxAbsDiff)]);
            if (name == "fp32")
                headline = failed is null ? "never, within the sweep"
                    : $"s = {F(failed.Scale)} (by {(failed.Predicted.Length > 0 ? failed.Predicted : "an unpredicted cause")}; " +
                        $"predicted s = {F(forecast?.Scale ?? double.NaN)})";
        }
        ctx.Report.Paragraph(
            $"Logits are s · d for a fixed d ~ N(0, 1) of shape ({cfg.SweepRows}, {cfg.SweepVocab}) and random targets, s from " +
            $"{F(cfg.SweepFrom)} to {F(cfg.SweepTo)} ({cfg.SweepPoints} log-spaced scales); the loss is the mean over the rows, compared " +
            "with the exact loss (libtorch in float64 on the same rounded logits). The naive version computes p = exp(z) / Σ exp(z) and " +
            "then −log p[y]. In float32 the largest finite number is 3.40e38 = e^88.72, so exp(z) is ∞ for z > 88.72 and Σ exp(z) " +
            "is ∞ once logsumexp(z) > 88.72; then p = exp(z)/∞ is 0 (or ∞/∞ = NaN) and −log p is ∞. At the other end p[y] rounds " +
            "to 0 when it falls below half the smallest subnormal, 2^-150 = 7.0e-46, i.e. when the true loss exceeds " +
            "150 · ln 2 = 103.97; before that it is subnormal and loses digits, which is where the naive error first leaves the " +
            "tolerance. Float64 moves both limits (e^709.78 = 1.80e308, 1075 · ln 2 = 745.13) but does not remove them. The stable " +
            "version subtracts m = max z first, so every exp argument is ≤ 0 and Σ exp(z − m) ≥ 1: nothing overflows, " +
            "and −log p = log Σ exp(z − m) − (z[y] − m) never takes the log of an underflowed number.");
        ctx.Report.Table(["format", "exp overflows above z =", "p rounds to 0 above −log p =", "s where max(s·d) alone overflows",
                "predicted first failure (s)", "measured first NaN/∞ (s)", "naive first outside tolerance (s)",
                "stable max |Δ|, whole sweep"],
            rows, "one grid step = ×" + F(step));
        ctx.Plot("naive-vs-stable", CrossEntropyPlots.ErrorVsScale(sweeps, predicted),
            "Relative error of the mean loss against the exact value vs the logit scale; crosses at the top mark NaN/∞; " +
            "dashed lines the predicted failure",
            width: 1000);
        return headline;
    }

    static void Uniform(LabContext ctx, CrossEntropyConfig cfg)
    {
        ctx.Report.Heading("Uniform logits: loss = ln V");
        ctx.Report.Paragraph("With equal logits every class has p = 1/V, so the loss is ln V: the loss an untrained language model " +
            "should start from. Shift invariance makes the level irrelevant, except to the naive version, " +
            "which overflows at a level of 1e4.");
        var rows = new List<string[]>();
        foreach (int v in cfg.UniformVocabs)
        {
            using var scope = NewDisposeScope();
            var y = randint(0, v, [4]);
            foreach (var (name, dtype) in Formats)
            {
                double stable = CrossEntropy.Stable(zeros(4, v, dtype: dtype), y).to(float64).item<double>();
                double high = CrossEntropy.Stable(full(4, v, 1e4, dtype: dtype), y).to(float64).item<double>();
                double naiveHigh = CrossEntropy.Naive(full(4, v, 1e4, dtype: dtype), y).to(float64).item<double>();
                ctx.Checks.Formula("uniform logits: loss = ln V")
                    .Close($"uniform logits, V = {v:N0}, {name}: stable loss = ln V", stable, Math.Log(v),
                        TensorComparison.Tolerance.For(dtype).Relative);
                rows.Add([v.ToString("N0", CultureInfo.InvariantCulture), name, F(Math.Log(v), "0.000000000"), F(stable, "0.000000000"),
                    F(high, "0.000000000"), F(naiveHigh)]);
            }
        }
        ctx.Report.Table(["V", "format", "ln V", "stable, logits 0", "stable, logits 1e4", "naive, logits 1e4"], rows);
    }

    static string F(double v, string fmt = "G4") => double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "∞" : "−∞")
        : v.ToString(fmt, CultureInfo.InvariantCulture);
    /// <summary>JSON has no NaN or ∞: those become null (the text fields say which).</summary>
    static double? Num(double v) => double.IsFinite(v) ? v : null;
    static string G(double v) => F(v, "0.0e+0");
}
