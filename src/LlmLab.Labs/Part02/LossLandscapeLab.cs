using System.Globalization;
using LlmLab.Data;
using LlmLab.Labs.Framework;
using LlmLab.Nn;
using LlmLab.Nn.Landscape;
using LlmLab.Optim;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part02;

/// <summary>
/// Lab 2.2 — loss-landscape visualisation after Li et al. 2018. Trains the same deep byte-level MLP language model
/// twice, with and without skip connections (the paper's ResNet vs no-skip comparison), on the same data, seed and
/// steps; then draws, for each, the init → trained interpolation, 1-D slices and a 2-D grid along filter-normalised
/// random directions (shared colour scale), and a sharpness figure. Checks that the scans measure what they claim:
/// the grid centre is the trained model, the directions are filter-normalised, the weights come back bit for bit.
/// </summary>
public sealed class LossLandscapeLab : Lab<LossLandscapeConfig>
{
    protected override string Id => "2.2";

    public override LossLandscapeConfig Defaults(Profile profile) => LossLandscapeConfig.For(profile);

    protected override void Validate(LossLandscapeConfig cfg)
    {
        ConfigRules.AtLeast("train_bytes", cfg.TrainBytes, 1024);
        ConfigRules.AtLeast("val_bytes", cfg.ValBytes, 256);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("embed", cfg.Embed), ("hidden", cfg.Hidden),
                     ("steps", cfg.Steps), ("batch", cfg.Batch), ("eval_examples", cfg.EvalExamples), ("directions", cfg.Directions) })
            ConfigRules.AtLeast(key, value, 1);
        // Two layers at least: with one there is no hidden-to-hidden layer, so no skip connection to remove.
        ConfigRules.AtLeast("layers", cfg.Layers, 2);
        if (cfg.Init is not ("default" or "xavier_tanh"))
            throw new InputException($"--set init={cfg.Init}: init must be 'default' or 'xavier_tanh'");
        ConfigRules.InRange("learning_rate", cfg.LearningRate, 1e-6, 1);
        ConfigRules.AtLeast("grid_points", cfg.GridPoints, 3);
        ConfigRules.AtLeast("slice_points", cfg.SlicePoints, 3);
        // Odd sizes put α = β = 0 (θ* itself) on the grid and on every slice.
        foreach (var (key, value) in new[] { ("grid_points", cfg.GridPoints), ("slice_points", cfg.SlicePoints) })
            if (value % 2 == 0)
                throw new InputException($"--set {key}={value}: {key} must be odd so that θ* is one of the points (e.g. {value + 1})");
        ConfigRules.InRange("radius", cfg.Radius, 1e-3, 100);
        ConfigRules.InRange("rho", cfg.Rho, 1e-4, 100);
        ConfigRules.AtLeast("interp_points", cfg.InterpPoints, 3);
        ConfigRules.InRange("interp_from", cfg.InterpFrom, -10, 0);
        ConfigRules.InRange("interp_to", cfg.InterpTo, 1, 10);
        ConfigRules.InRange("loss_cap", cfg.LossCap, 1, 1000);
    }

    protected override void Plan(LabPlan plan, LossLandscapeConfig cfg)
    {
        long train = plan.CorpusBytes("train_bytes", cfg.TrainBytes);
        long val = plan.CorpusBytes("val_bytes", cfg.ValBytes, validation: true);
        // Windows of context + 1 bytes are drawn from both splits (ContextWindows).
        LabPlan.Require(train > cfg.Context && val > cfg.Context,
            $"--set context={cfg.Context}: the corpus gives {train:N0} train and {val:N0} validation bytes, too few for one window");
    }

    public override void Run(LabContext ctx, LossLandscapeConfig cfg)
    {
        byte[] train = CorpusBytes.Load(ctx.Corpus, cfg.TrainBytes);
        byte[] val = CorpusBytes.Load(ctx.Corpus, cfg.ValBytes, validation: true);
        using var scope = NewDisposeScope();
        var (ex, ey) = ContextWindows.Evenly(train, cfg.Context, cfg.EvalExamples);   // (N, k), (N,)
        var (vx, vy) = ContextWindows.Evenly(val, cfg.Context, cfg.EvalExamples);
        var runs = new[] { true, false }.Select(residual => Measure(ctx, cfg, residual, train, (ex, ey), (vx, vy))).ToList();

        ctx.Report.Paragraph($"Two byte-level MLP language models (Bengio-style; {cfg.Layers} tanh hidden layers of {cfg.Hidden}, " +
            $"{cfg.Context} bytes of context, {runs[0].Parameters:N0} parameters each) trained for {cfg.Steps} Adam steps of {cfg.Batch} " +
            $"windows at lr {F(cfg.LearningRate, "0.####")} on {train.Length:N0} bytes of the corpus, with the same seed and batches; " +
            "they differ only in the skip connections h ← h + tanh(W h) of the residual one. Every landscape point is the mean " +
            $"cross-entropy on the same {ex.shape[0]:N0} windows spread evenly over the train split, in eval mode without gradients.");
        Training(ctx, runs);
        LossLandscapeReport.Interpolation(ctx, cfg, runs);
        LossLandscapeReport.Surfaces(ctx, cfg, runs);
        LossLandscapeReport.Sharpness(ctx, cfg, runs);
    }

    static LossLandscapeRun Measure(LabContext ctx, LossLandscapeConfig cfg, bool residual, byte[] train, (Tensor X, Tensor Y) eval,
        (Tensor X, Tensor Y) valBatch)
    {
        string name = residual ? "residual" : "no skip";
        // 1. Same seed for both variants: same initial weights (the skips add no parameters) and the same batches.
        Seeding.SeedTorch(ctx.Seed);
        using var model = new MlpLanguageModel(new MlpLmConfig(cfg.Context, 256, cfg.Embed, cfg.Hidden, cfg.Layers, residual));
        if (cfg.Init == "xavier_tanh") TanhInit.Apply(model);
        var landscape = new LossLandscape(model, eval.X, eval.Y);
        using var theta0 = ParameterVector.Of(model);
        var init = landscape.Evaluate();

        // 2. Train.
        // 2. Train: our Adam (β = 0.9, 0.999, no decay) on random windows drawn from the same seeded stream for both
        //    variants, so they see the same batches in the same order.
        TrialResult trial;
        var rng = ctx.Rng("batches");
        using (var bar = ctx.Progress.Begin($"2.2 training ({name})", cfg.Steps))
            trial = TrainingTrial.Run(model, new OptimizerSpec(OptimizerKind.Adam, cfg.LearningRate),
                _ => ContextWindows.Sample(train, cfg.Context, cfg.Batch, rng), cfg.Steps, onStep: (step, loss) =>   // (B, k), (B,)
                {
                    bar.Increment();
                    if (step % 10 == 0 || step == cfg.Steps) ctx.Metrics.Log(new { model = name, step, loss });
                });
        if (trial.Diverged)
            throw new InputException($"--set learning_rate={F(cfg.LearningRate, "0.####")}: the {name} model's training diverged at step " +
                $"{trial.TrainLoss.Count}; lower learning_rate");
        return Scan(ctx, cfg, name, model, landscape, theta0, init, trial.TrainLoss.ToArray(), valBatch);
    }

    /// <summary>How far two evaluations of bit-identical weights on the same batch may differ: fp32 matmuls split over
    /// several intra-op threads can add in another order between calls (measured at quick: 3.3e-6 nats at 2 threads
    /// after training, 0 at 1 thread); a wrong restore moves the loss by orders of magnitude more.</summary>
    const double SameWeightsTolerance = 1e-5;

    static LossLandscapeRun Scan(LabContext ctx, LossLandscapeConfig cfg, string name, MlpLanguageModel model, LossLandscape landscape,
                                 ParameterVector theta0, LandscapePoint init, double[] losses, (Tensor X, Tensor Y) valBatch)
    {
        using var thetaStar = ParameterVector.Of(model);
        var trained = landscape.Evaluate();
        var val = new LossLandscape(model, valBatch.X, valBatch.Y).Evaluate();
        bool restored = true;

        // 3. Init → trained interpolation (α = 0 and 1 exactly on the axis, for the endpoint checks).
        var alphas = LossCurve.Axis(cfg.InterpFrom, cfg.InterpTo, cfg.InterpPoints, 0.0, 1.0);
        var interpolation = landscape.Interpolate(theta0, thetaStar, alphas);
        restored &= thetaStar.BitEquals(model);

        // 4. Two filter-normalised directions, seeded alike for both variants, and the 2-D grid.
        using var delta = FilterNormalization.RandomDirection(thetaStar, Seeding.DeriveSeed(ctx.Seed, "landscape-delta"));
        using var eta = FilterNormalization.RandomDirection(thetaStar, Seeding.DeriveSeed(ctx.Seed, "landscape-eta"));
        var fd = FilterNormalization.Verify(delta, thetaStar);
        var fe = FilterNormalization.Verify(eta, thetaStar);
        var filters = new FilterNormalizationCheck(Math.Max(fd.MaxRelativeNormError, fe.MaxRelativeNormError),
            Math.Max(fd.MaxIgnoredAbs, fe.MaxIgnoredAbs), fd.Filters, fd.IgnoredTensors);
        LossGrid grid;
        using (var bar = ctx.Progress.Begin($"2.2 grid {cfg.GridPoints}×{cfg.GridPoints} ({name})", cfg.GridPoints))
            grid = landscape.Grid(thetaStar, delta, eta, cfg.Radius, cfg.GridPoints, () => bar.Increment());
        restored &= thetaStar.BitEquals(model);

        // 5. 1-D slices along K more directions, and the sharpness at ρ along the same ones.
        var directions = Enumerable.Range(0, cfg.Directions)
            .Select(k => FilterNormalization.RandomDirection(thetaStar, Seeding.DeriveSeed(ctx.Seed, $"landscape-slice-{k}"))).ToList();
        try
        {
            var sliceAxis = LossGrid.Axis(cfg.Radius, cfg.SlicePoints);
            var slices = directions.Select(d => landscape.Slice(thetaStar, d, sliceAxis)).ToList();
            var sharpness = landscape.Sharpness(thetaStar, directions, cfg.Rho);
            restored &= thetaStar.BitEquals(model);

            ctx.Checks.SelfConsistency("the trained model's own loss on that batch")
                .AtMost($"{name}: grid centre loss = trained model's loss on the same batch, |Δ|", Math.Abs(grid.CenterLoss - trained.Loss),
                    SameWeightsTolerance, "nats");
            ctx.Checks.SelfConsistency("the initial model's own loss")
                .AtMost($"{name}: interpolation at α = 0 = initial loss, |Δ|", Math.Abs(interpolation.At(0).Loss - init.Loss),
                    SameWeightsTolerance, "nats");
            ctx.Checks.SelfConsistency("the trained model's own loss")
                .AtMost($"{name}: interpolation at α = 1 = trained loss, |Δ|", Math.Abs(interpolation.At(1).Loss - trained.Loss),
                    SameWeightsTolerance, "nats");
            ctx.Checks.Published("Li et al. 2018 §4: filter-wise normalisation")
                .AtMost($"{name}: per-filter norms of δ, η = those of θ* ({filters.Filters:N0} filters), max relative gap",
                filters.MaxRelativeNormError, 1e-6);
            ctx.Checks.Published("Li et al. 2018 §4: bias directions set to zero")
                .AtMost($"{name}: δ, η zero on the {filters.IgnoredTensors} bias tensors, max |d|", filters.MaxIgnoredAbs, 0);
            ctx.Checks.SelfConsistency("the weights saved before the scans")
                .True($"{name}: weights restored bit for bit after every scan", restored, restored ? "bit-identical" : "changed");
            // Training happened: a uniform guess over 256 bytes costs ln 256 ≈ 5.55 nats; 1 nat below is far beyond noise.
            ctx.Checks.Formula("uniform guess over 256 bytes: ln 256")
                .AtMost($"{name}: trained loss well below ln 256 (training happened)", trained.Loss, Math.Log(256) - 1, "nats");
            ctx.Metrics.Log(new { model = name, init_loss = init.Loss, train_loss = trained.Loss, val_loss = val.Loss,
                train_accuracy = trained.Accuracy,
                val_accuracy = val.Accuracy, sharpness = sharpness.MeanIncrease, rho = cfg.Rho, grid_min = grid.LossRange().Min,
                grid_max = grid.LossRange().Max, barrier = interpolation.Barrier(0, 1) });
            using var cosScope = NewDisposeScope();
            double cosine = delta.Dot(eta) / (delta.Norm() * eta.Norm());
            return new LossLandscapeRun(name, thetaStar.Numel, losses, init, trained, val, interpolation, grid, slices, sharpness, filters,
                cosine, restored);
        }
        finally
        {
            foreach (var d in directions) d.Dispose();
        }
    }

    static void Training(LabContext ctx, IReadOnlyList<LossLandscapeRun> runs)
    {
        ctx.Report.Heading("Training: the two minima");
        ctx.Report.Table(["model", "initial loss", "train loss (eval batch)", "val loss", "train accuracy", "val accuracy"],
            runs.Select(r => new[] { r.Name, F(r.Init.Loss), F(r.Train.Loss), F(r.Val.Loss), Pct(r.Train.Accuracy), Pct(r.Val.Accuracy) }),
            "losses in nats per byte (ln 256 = 5.545 for a uniform guess); accuracy = top-1 next-byte");
        ctx.Plot("training", LossLandscapePlots.TrainingCurves(runs),
            "Training loss per step (thin) and its 25-step moving average (thick)");
        foreach (var r in runs) ctx.Report.Headline($"{r.Name}: train / val loss", $"{F(r.Train.Loss)} / {F(r.Val.Loss)} nats");
    }

    internal static string F(double v, string fmt = "0.000") => v.ToString(fmt, CultureInfo.InvariantCulture);
    internal static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
