using LlmLab.Labs.Framework;
using LlmLab.Optim;
using LlmLab.Training;

namespace LlmLab.Labs.Part02;

public sealed partial class OptimizerComparisonLab
{
    /// <summary>One optimizer's learning-rate sweep on the language model.</summary>
    internal sealed record LmSweep(string Name, IReadOnlyList<(OptimizerSpec Spec, TrialResult Result)> Runs)
    {
        public (OptimizerSpec Spec, TrialResult Result) Best => Runs.MinBy(r => r.Result.ValidationLoss);
    }

    void LanguagePart(LabContext ctx, OptimizerComparisonConfig cfg, LmData data)
    {
        ctx.Report.Heading("(b) A byte-level language model on the corpus");
        var sweeps = new[]
        {
            Sweep("SGD", cfg.SgdLrs, lr => new OptimizerSpec(OptimizerKind.Sgd, lr, Momentum: cfg.Momentum)),
            Sweep("Adam", cfg.AdamLrs, lr => new OptimizerSpec(OptimizerKind.Adam, lr)),
            Sweep("AdamW", cfg.AdamLrs, lr => new OptimizerSpec(OptimizerKind.AdamW, lr, WeightDecay: cfg.AdamwDecay)),
        };

        LmSweep Sweep(string name, IReadOnlyList<double> lrs, Func<double, OptimizerSpec> make)
        {
            using var bar = ctx.Progress.Begin($"2.3 language model ({name})", lrs.Count);
            var runs = lrs.Select(lr =>
            {
                var spec = make(lr);
                var r = Train(ctx, cfg, data, spec, cfg.Steps);
                bar.Increment();
                ctx.Metrics.Log(new { part = "language_model", optimizer = name, lr, weight_decay = spec.WeightDecay,
                    train_loss = Finite(r.FinalTrainLoss()),
                    val_loss = Finite(r.ValidationLoss), diverged = r.Diverged });
                return (spec, r);
            }).ToList();
            return new LmSweep(name, runs);
        }

        long parameters;
        using (var probe = NewModel(ctx, cfg)) parameters = probe.parameters().Sum(p => p.numel());
        ctx.Report.Paragraph($"The byte-level MLP language model ({cfg.Layers} hidden layers of {cfg.Hidden}, {cfg.Context} bytes of " +
            $"context, {parameters:N0} parameters), {cfg.Steps} steps of {cfg.Batch} windows from {data.Train.Length:N0} bytes of the " +
            $"corpus; every run starts from the same weights and sees the same batches. SGD with momentum {F(cfg.Momentum)}, Adam " +
            $"without decay, AdamW with λ = {F(cfg.AdamwDecay)} (PyTorch's weight_decay). Validation loss: mean cross-entropy on " +
            $"{data.Val.Y.shape[0]:N0} windows of held-out documents, in nats per byte (a uniform guess costs ln " +
            $"256 = {F(Math.Log(256), "0.000")}).");
        var rows = new List<string[]>();
        foreach (var s in sweeps)
            foreach (var (spec, r) in s.Runs)
                rows.Add([s.Name, F(spec.LearningRate), r.Diverged ? "diverged" : F(r.FinalTrainLoss(), "0.000"),
                    r.Diverged ? "—" : F(r.ValidationLoss, "0.000"),
                    ReferenceEquals(r, s.Best.Result) ? "best" : ""]);
        ctx.Report.Table(["optimizer", "learning rate", "train loss (last 10 steps)", "validation loss", ""], rows,
            "learning-rate sweep (nats per byte)");
        ctx.Report.Table(["optimizer", "best learning rate", "validation loss"],
            sweeps.Select(s => new[] { s.Name, F(s.Best.Spec.LearningRate), F(s.Best.Result.ValidationLoss, "0.000") }),
            "each optimizer at its best learning rate");

        foreach (var s in sweeps)
        {
            // A uniform guess costs ln 256 ≈ 5.55 nats; 1.5 nats below it is far beyond noise: the model learned the byte statistics and
            // more.
            ctx.Checks.Formula("uniform guess over 256 bytes: ln 256")
                .AtMost($"language model: {s.Name} at its best lr ({F(s.Best.Spec.LearningRate)}) trains well " +
                    $"below ln 256, validation loss",
                s.Best.Result.ValidationLoss, Math.Log(256) - 1.5, "nats");
            ctx.Report.Headline($"LM validation loss, {s.Name}",
                $"{F(s.Best.Result.ValidationLoss, "0.000")} nats (lr {F(s.Best.Spec.LearningRate)})");
        }
        ctx.Plot("lm-loss", OptimizerPlots.LmCurves(sweeps),
            "Training loss per step (faint) and its 20-step moving average, each optimizer at its best learning rate");
        ctx.Plot("lm-sweep", OptimizerPlots.LmSweep(sweeps),
            "Validation loss after the run against the learning rate (log scale); missing points diverged", 800, 450);
    }
}
