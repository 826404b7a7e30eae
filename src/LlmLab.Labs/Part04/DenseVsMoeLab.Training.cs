using LlmLab.Data;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Nn.Moe;
using LlmLab.Runtime;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part04;

public sealed partial class DenseVsMoeLab
{
    /// <summary>One trained model of the comparison and what was measured on it.</summary>
    internal sealed record ModelRun(string Name, GptConfig Config, TrainingResult Training, MoeLoadTracker? Load, long Parameters,
        long ActiveParameters,
        long ParameterBytes, long? PeakActivationBytes, double LatencyBatch1, double LatencyBatchN, double FlopsPerToken)
    {
        public double FinalLoss => Training.Final!.Loss;
        public double InitialLoss => Training.Initial!.Loss;
    }

    /// <summary>The three shapes: dense, MoE with the balance loss, and the same MoE without it.</summary>
    internal static (GptConfig Dense, GptConfig Moe, GptConfig MoeNoAux) Shapes(DenseVsMoeConfig cfg, int vocab)
    {
        var dense = new GptConfig
        {
            VocabSize = vocab, Context = cfg.Context, Width = cfg.Width, Layers = cfg.Layers, Heads = cfg.Heads,
                IntermediateSize = cfg.FfnWidth,
            Attention = LlmLab.Nn.Attention.AttentionKernel.Sdpa,
        };
        var moe = dense with
        {
            IntermediateSize = cfg.FfnWidth / cfg.ExpertsPerToken, NumLocalExperts = cfg.Experts, NumExpertsPerTok = cfg.ExpertsPerToken,
            RouterAuxLossCoef = cfg.AuxLossCoef, RouterZLossCoef = cfg.ZLossCoef, CapacityFactor = cfg.CapacityFactor,
        };
        return (dense, moe, moe with { RouterAuxLossCoef = 0 });
    }

    /// <summary>Trains one shape with the <see cref="Trainer"/> (the same initialisation seed, the same seeded batches for
    /// every model), recording the expert load after every step, then measures it.</summary>
    static ModelRun TrainAndMeasure(LabContext ctx, DenseVsMoeConfig cfg, string name, GptConfig shape, int[] train, int[] validation)
    {
        Seeding.SeedTorch(Seeding.DeriveSeed(ctx.Seed, "gpt-init"));
        using var model = new GptModel(shape);
        var tracker = shape.IsMixtureOfExperts ? new MoeLoadTracker() : null;
        var options = new TrainerOptions(Steps: cfg.Steps, Batch: cfg.Batch, Context: cfg.Context, LearningRate: cfg.Lr, GradClip: 1.0,
            EvalEvery: cfg.EvalEvery, EvalBatches: cfg.EvalBatches, LogEvery: 1_000_000);
        using var eval = EvalSet.FromTokens(validation, cfg.Context, cfg.Batch, cfg.EvalBatches);
        var batches = new TokenWindowBatches(train, cfg.Batch, cfg.Context, Seeding.DeriveSeed(ctx.Seed, "moe-batches"));
        var loss = MoeTrainingLoss.For(model);
        TrainingResult result;
        using (var bar = ctx.Progress.Begin($"4.2 {name}", cfg.Steps))
        {
            result = new Trainer(model, loss, options).Run(batches, eval,
                onStep: s =>
                {
                    bar.Increment();
                    // The Trainer calls this right after the step's own forward and backward, before any evaluation.
                    tracker?.Record(s.Step, model.RoutingStatistics);
                },
                onEval: e =>
                    ctx.Metrics.Log(new { model = name, step = e.Step, tokens = e.Tokens, seconds = e.Seconds, val_loss = e.Loss }));
        }
        if (tracker is not null)
            foreach (var (step, shares) in tracker.History(cfg.LoadWindow))
                ctx.Metrics.Log(new { model = name, step, expert_load_share = shares });

        using var scope = NewDisposeScope();
        var (x, y) = new TokenWindowBatches(train, cfg.Batch, cfg.Context, Seeding.DeriveSeed(ctx.Seed, "moe-memory")).Next();
        long? peak = ForwardCost.PeakActivationBytes(model, loss, x, y);
        int seed = Seeding.DeriveSeed(ctx.Seed, "latency");
        var one = ForwardCost.Latency(model, 1, cfg.Context, cfg.LatencyRepeats, warmup: 2, seed);
        var many = ForwardCost.Latency(model, cfg.LatencyBatch, cfg.Context, cfg.LatencyRepeats, warmup: 2, seed);
        return new ModelRun(name, shape, result, tracker, model.ParameterCount, GptSizing.ActiveParameterCount(shape),
            ForwardCost.ParameterBytes(model),
            peak, one.MedianSecondsPerToken, many.MedianSecondsPerToken, GptSizing.FlopsPerToken(shape, cfg.Context));
    }

    /// <summary>
    /// Builds the MoE shape twice from one seed and routes the same batch through both: the top-k choices of every layer
    /// (read through the layers' own routers) and the logits must be identical.
    /// </summary>
    static (bool Same, string Measured) RoutingIsDeterministic(LabContext ctx, GptConfig shape, int[] validation, int context)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = TokenWindows.Evenly(validation, context, count: 4).X;                   // (4, T)
        (long[][] Load, Tensor Logits) Run()
        {
            Seeding.SeedTorch(Seeding.DeriveSeed(ctx.Seed, "routing-determinism"));
            using var model = new GptModel(shape);
            model.eval();
            var logits = model.call(x).detach().MoveToOuterDisposeScope();
            return (model.RoutingStatistics.Select(s => s.Routed).ToArray(), logits);
        }
        var (a, b) = (Run(), Run());
        bool sameLoad = a.Load.Zip(b.Load).All(p => p.First.SequenceEqual(p.Second));
        bool sameLogits = a.Logits.eq(b.Logits).all().item<bool>();
        return (sameLoad && sameLogits, $"per-expert load {(sameLoad ? "identical" : "differs")}, logits " +
            $"{(sameLogits ? "bitwise equal" : "differ")} (layer 0 load: {string.Join(", ", a.Load[0])})");
    }
}
