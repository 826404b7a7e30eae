using System.Globalization;
using LlmLab.Data;
using LlmLab.Labs.Framework;
using LlmLab.Nn;
using LlmLab.Optim;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part02;

/// <summary>
/// Lab 2.3 — SGD vs Adam vs AdamW, with our own optimizers (<see cref="LlmLab.Optim"/>), first checked step for step
/// against libtorch's. (a) Rosenbrock's banana: a learning-rate sweep per optimizer and the best paths over the
/// contours of log f. (b) The byte-level MLP language model on the corpus: a sweep per optimizer, the best runs'
/// training curves and validation losses. (c) The point of AdamW (Loshchilov &amp; Hutter 2019, Figure 2): learning
/// rate × weight decay grids for Adam (L2 in the gradient) and AdamW (decoupled), and whether the best learning rate
/// moves with the decay.
/// </summary>
public sealed partial class OptimizerComparisonLab : Lab<OptimizerComparisonConfig>
{
    protected override string Id => "2.3";

    public override OptimizerComparisonConfig Defaults(Profile profile) => OptimizerComparisonConfig.For(profile);

    protected override void Validate(OptimizerComparisonConfig cfg)
    {
        ConfigRules.InRange("rosenbrock_x", cfg.RosenbrockX, -3, 3);
        ConfigRules.InRange("rosenbrock_y", cfg.RosenbrockY, -3, 5);
        ConfigRules.AtLeast("rosenbrock_steps", cfg.RosenbrockSteps, 1);
        ConfigRules.InRange("rosenbrock_decay", cfg.RosenbrockDecay, 0, 1);
        ConfigRules.InRange("rosenbrock_target", cfg.RosenbrockTarget, 0, 1e6);
        ConfigRules.InRange("momentum", cfg.Momentum, 0, 0.999);
        ConfigRules.AtLeast("train_bytes", cfg.TrainBytes, 1024);
        ConfigRules.AtLeast("val_bytes", cfg.ValBytes, 256);
        foreach (var (key, value) in new (string, int)[] { ("val_examples", cfg.ValExamples), ("context", cfg.Context),
                     ("embed", cfg.Embed),
                     ("hidden", cfg.Hidden), ("layers", cfg.Layers), ("batch", cfg.Batch), ("steps", cfg.Steps),
                     ("parity_steps", cfg.ParitySteps), ("grid_steps", cfg.GridSteps) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.InRange("adamw_decay", cfg.AdamwDecay, 0, 10);
        foreach (var (key, values, min, max) in new (string, IReadOnlyList<double>, double, double)[]
                 {
                     ("rosenbrock_sgd_lrs", cfg.RosenbrockSgdLrs, 1e-9, 10), ("rosenbrock_adam_lrs", cfg.RosenbrockAdamLrs, 1e-9, 10),
                     ("sgd_lrs", cfg.SgdLrs, 1e-9, 100), ("adam_lrs", cfg.AdamLrs, 1e-9, 10), ("grid_lrs", cfg.GridLrs, 1e-9, 10),
                     ("grid_adam_decays", cfg.GridAdamDecays, 0, 100), ("grid_adamw_decays", cfg.GridAdamwDecays, 0, 100),
                 })
        {
            ConfigRules.NotEmpty(key, values);
            foreach (double v in values) ConfigRules.InRange(key, v, min, max);
        }
        if (cfg.AdamwDecayMode is not ("paper" or "pytorch"))
            throw new InputException(
                $"--set adamw_decay_mode={cfg.AdamwDecayMode}: adamw_decay_mode must be 'paper' (decay per step, independent of the " +
                $"learning rate) or 'pytorch' (weight_decay, shrink lr·λ per step)");
        if (cfg.AdamwDecayMode == "paper")
            foreach (double d in cfg.GridAdamwDecays)
                if (d >= 1)
                    throw new InputException(
                        $"--set grid_adamw_decays: with adamw_decay_mode=paper each value is a per-step " +
                        $"shrink and must be < 1 (got {F(d)})");
    }

    protected override void Plan(LabPlan plan, OptimizerComparisonConfig cfg)
    {
        long train = plan.CorpusBytes("train_bytes", cfg.TrainBytes);
        long val = plan.CorpusBytes("val_bytes", cfg.ValBytes, validation: true);
        LabPlan.Require(train > cfg.Context && val > cfg.Context,
            $"--set context={cfg.Context}: the corpus gives {train:N0} train and {val:N0} validation bytes, too few for one window");
    }

    public override void Run(LabContext ctx, OptimizerComparisonConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        ctx.Report.Paragraph("Our optimizers (library `LlmLab.Optim`: `Sgd`, `Adam`, `AdamW`, written from the update equations) first, " +
            "checked against libtorch's `torch.optim` step for step; then (a) a 2-D test function, (b) a real small model, (c) the " +
            "learning rate × weight decay interaction that motivates AdamW. Adam and AdamW share every line but one: Adam adds λθ to the " +
            "gradient (so the decay is rescaled by 1/√v̂ like the gradient), AdamW shrinks θ directly.");
        Schedules(ctx);
        RosenbrockPart(ctx, cfg);

        byte[] train = CorpusBytes.Load(ctx.Corpus, cfg.TrainBytes);
        byte[] val = CorpusBytes.Load(ctx.Corpus, cfg.ValBytes, validation: true);
        using var scope = NewDisposeScope();
        var valSet = ContextWindows.Evenly(val, cfg.Context, cfg.ValExamples);   // (N, k), (N,)
        var data = new LmData(train, valSet);
        Parity(ctx, cfg, data);
        LanguagePart(ctx, cfg, data);
        GridPart(ctx, cfg, data);
    }

    /// <summary>The corpus as the language-model parts use it: the train bytes (batches are drawn from them) and a fixed validation
    /// set.</summary>
    sealed record LmData(byte[] Train, (Tensor X, Tensor Y) Val);

    MlpLanguageModel NewModel(LabContext ctx, OptimizerComparisonConfig cfg)
    {
        // Same seed before every model: every run of every optimizer starts from the same weights.
        Seeding.SeedTorch(ctx.Seed);
        return new MlpLanguageModel(new MlpLmConfig(cfg.Context, 256, cfg.Embed, cfg.Hidden, cfg.Layers));
    }

    /// <summary>A batch source that replays the same sequence of batches for every run (a fresh stream seeded alike).</summary>
    static Func<int, (Tensor X, Tensor Y)> Batches(LabContext ctx, OptimizerComparisonConfig cfg, byte[] train)
    {
        var rng = ctx.Rng("batches");
        return _ => ContextWindows.Sample(train, cfg.Context, cfg.Batch, rng);
    }

    /// <summary>Trains one fresh model with <paramref name="spec"/> (ours) on the shared batches.</summary>
    TrialResult Train(LabContext ctx, OptimizerComparisonConfig cfg, LmData data, OptimizerSpec spec, int steps)
    {
        using var scope = NewDisposeScope();
        using var model = NewModel(ctx, cfg);
        return TrainingTrial.Run(model, spec, Batches(ctx, cfg, data.Train), steps, data.Val);
    }

    void Parity(LabContext ctx, OptimizerComparisonConfig cfg, LmData data)
    {
        ctx.Report.Heading("Our optimizers against libtorch's, step for step");
        var specs = new[]
        {
            new OptimizerSpec(OptimizerKind.Sgd, cfg.SgdLrs[0], WeightDecay: 1e-3, Momentum: cfg.Momentum, Nesterov: true),
            new OptimizerSpec(OptimizerKind.Adam, cfg.AdamLrs[^1], WeightDecay: cfg.GridAdamDecays[^1], Amsgrad: true),
            new OptimizerSpec(OptimizerKind.AdamW, cfg.AdamLrs[^1], WeightDecay: Math.Max(cfg.AdamwDecay, 0.1)),
        };
        var rows = new List<string[]>();
        foreach (var spec in specs)
        {
            var r = OptimizerParity.Compare(() => NewModel(ctx, cfg), spec, Batches(ctx, cfg, data.Train), cfg.ParitySteps,
                decayMatricesOnly: true);
            ctx.Checks.Libtorch("torch.optim on the same parameters and gradients")
                .AtMost($"{OptimizerSpec.Name(spec.Kind)} matches torch.optim.{OptimizerSpec.Name(spec.Kind)} over " +
                    $"{cfg.ParitySteps} steps, max |Δθ|",
                r.MaxAbsDiff, 1e-6);
            rows.Add([spec.Label, cfg.ParitySteps.ToString(CultureInfo.InvariantCulture), r.ToString()]);
            ctx.Metrics.Log(new { part = "parity", optimizer = spec.Label, steps = cfg.ParitySteps, max_abs_diff = r.MaxAbsDiff });
        }
        ctx.Report.Table(["settings (decay on matrices only)", "steps", "result"], rows,
            "two copies of the model with the same weights, the same batches; every parameter compared after every step (fp32)");
    }

    /// <summary>A number for the report: 3 significant digits by default, small ones as 1e-5.</summary>
    internal static string F(double v, string fmt = "G3") =>
        fmt == "G3" && v != 0 && Math.Abs(v) < 1e-3 ? v.ToString("0.##e0", CultureInfo.InvariantCulture)
        : v.ToString(fmt, CultureInfo.InvariantCulture);
    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
