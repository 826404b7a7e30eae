using LlmLab.Data.Analysis;
using System.Diagnostics;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Planning;
using LlmLab.Training;

namespace LlmLab.Labs.Part06;

public sealed partial class PretrainingLab
{
    /// <summary>A short run trained in one go and the same run stopped at half, then resumed from its checkpoint by a
    /// fresh model and batch provider: every loss must be the same double.</summary>
    static void CheckResume(LabContext ctx, PretrainingLabConfig cfg, PretrainingText text, PretrainingConfig main)
    {
        int steps = cfg.ResumeSteps, half = steps / 2;
        var config = main with
        {
            Trainer = main.Trainer with
            {
                Steps = steps, WarmupSteps = Math.Min(main.Trainer.WarmupSteps, steps / 2), TimeBudgetSeconds = null, MinSteps = 0,
                EvalEvery = steps, EvalBatches = 1,
            },
            CheckpointEvery = half,
        };
        string root = Path.Combine(ctx.Directory, "resume-check");
        using var whole = GptPretraining.Train(config, text, Path.Combine(root, "whole"));
        using (GptPretraining.Train(config with { Trainer = config.Trainer with { StopAtStep = half } }, text, Path.Combine(root, "pieces"))) { }
        using var resumed = GptPretraining.Train(config, text, Path.Combine(root, "pieces"), resumeFrom: Path.Combine(root, "pieces"));
        var a = whole.Result.Steps.Select(s => s.Loss).ToArray();
        var b = resumed.Result.Steps.Select(s => s.Loss).ToArray();
        int same = a.Zip(b).Count(p => p.First.Equals(p.Second));
        ctx.Report.Heading("Stop and resume");
        ctx.Report.Paragraph($"The main model trained {steps} steps in one go, and again stopped after step {half} (a checkpoint: weights, AdamW moments, " +
            "libtorch's RNG, the batch position, the metrics), then resumed by a fresh process state (new model object, new batch provider). " +
            $"{same} of {steps} step losses are the same double; the last is {a[^1]:R} vs {b[^1]:R}.");
        ctx.Checks.SelfConsistency("the same run without a stop")
            .True($"resume is exact: {steps} losses bit-identical after a stop at step {half}", same == steps && a.Length == b.Length,
            $"{same} of {steps} identical");
        Directory.Delete(root, recursive: true); // checkpoints of a check, not results
    }

    /// <summary>Models of several widths on the same tokens: final validation loss against parameters and compute.</summary>
    static void Scaling(LabContext ctx, PretrainingLabConfig cfg, PretrainingText text, double peak)
    {
        var points = new List<PretrainingPlots.ScalingPoint>();
        using var bar = ctx.Progress.Begin("6 scaling", cfg.ScalingWidths.Count * cfg.ScalingSteps);
        foreach (int width in cfg.ScalingWidths)
        {
            var model = new GptConfig
            {
                VocabSize = text.Tokenizer.VocabSize, Context = cfg.Context, Width = width, Heads = width / cfg.ScalingHeadSize, Layers = cfg.ScalingLayers,
            };
            if (cfg.Tokenizer == "gpt2") model = model with { VocabSize = GptConfig.Gpt2Small.VocabSize };
            var trainer = new TrainerOptions(cfg.ScalingSteps, cfg.Batch, cfg.Context, cfg.LearningRate, GradClip: 1.0, WeightDecay: cfg.WeightDecay,
                EvalEvery: cfg.ScalingSteps, EvalBatches: cfg.EvalBatches, LogEvery: 1_000_000, Beta2: cfg.Beta2,
                Accumulation: TrainerOptions.AccumulationFor(cfg.TokensPerStep, cfg.Batch, cfg.Context), WarmupSteps: Math.Max(1, cfg.ScalingSteps / 10),
                MinLearningRate: cfg.MinLearningRate, PeakFlops: peak);
            var config = new PretrainingConfig
            {
                Model = model, Trainer = trainer, Seed = ctx.Seed,
                Data = new PretrainingData(Tokenizer: cfg.Tokenizer, VocabSize: model.VocabSize, TrainBytes: cfg.CorpusBytes, ValidationBytes: cfg.ValidationBytes),
            };
            using var outcome = GptPretraining.Train(config, text, onStep: _ => bar.Increment());
            var r = outcome.Result;
            double compute = GptSizing.FlopsPerToken(model, cfg.Context) * r.Tokens;
            points.Add(new(width, outcome.Model.ParameterCount, compute, r.Final!.Loss, r.TokensPerSecond));
            ctx.Metrics.Log(new { run = "scaling", width, parameters = outcome.Model.ParameterCount, compute, val_loss = r.Final.Loss });
        }
        var byParams = PowerLawFit.Fit(points.Select(p => (double)p.Parameters).ToList(), points.Select(p => p.Loss).ToList());
        var byCompute = PowerLawFit.Fit(points.Select(p => p.Compute).ToList(), points.Select(p => p.Loss).ToList());
        ctx.Report.Heading("Scaling at a fixed token budget");
        ctx.Report.Paragraph($"{points.Count} models ({cfg.ScalingLayers} blocks, head size {cfg.ScalingHeadSize}, widths {string.Join(", ", cfg.ScalingWidths)}) each trained on the same " +
            $"{N(cfg.ScalingSteps * (double)TrainerOptions.AccumulationFor(cfg.TokensPerStep, cfg.Batch, cfg.Context) * cfg.Batch * cfg.Context)} tokens with the main run's recipe. " +
            $"Fitted power laws (least squares on log–log axes): loss ∝ N^{F(byParams.Exponent, "0.000")} (R² = {F(byParams.RSquared, "0.00")}) and " +
            $"∝ C^{F(byCompute.Exponent, "0.000")}. For scale, Kaplan et al. 2020 report loss ∝ N^−0.076 for models trained to convergence; at a fixed, " +
            "small token budget the larger models are under-trained, so the slope here is a short-run slope, not theirs.");
        ctx.Report.Table(["width", "parameters", "compute (FLOPs)", "tokens/s", "final val loss"],
            points.Select(p => new[] { N(p.Width), N(p.Parameters), p.Compute.ToString("0.00e+00", System.Globalization.CultureInfo.InvariantCulture), N(p.TokensPerSecond), F(p.Loss, "0.000") }));
        ctx.Plot("scaling-params", PretrainingPlots.Scaling(points, byParams), "Final validation loss against parameters, log–log, with the fitted power law");
        ctx.Plot("scaling-compute", PretrainingPlots.ScalingCompute(points, byCompute), "Final validation loss against training compute, log–log");
        ctx.Checks.Published("Kaplan et al. 2020: loss falls with parameters at fixed data")
            .AtMost("scaling: the largest model ends below the smallest (same tokens)", points[^1].Loss, points[0].Loss, "nats");
        ctx.Checks.Published("Kaplan et al. 2020: L(N) ∝ N^(−0.076)")
            .AtMost("scaling: the fitted loss-vs-parameters exponent is negative", byParams.Exponent, 0);
        ctx.Report.Headline("scaling exponent (loss vs N)", F(byParams.Exponent, "0.000"));
    }

    /// <summary>GPT-2 small on this machine (when asked for) and what it needs on GPUs, from Part 1's estimator.</summary>
    static void Gpt2Small(LabContext ctx, PretrainingLabConfig cfg, PretrainingText text, TrainingResult main)
    {
        var shape = GptConfig.Gpt2Small;
        double flopsPerToken = GptSizing.FlopsPerToken(shape, shape.Context);
        double mfu = main.Steps.Where(s => s.Mfu is not null).Select(s => s.Mfu!.Value).DefaultIfEmpty(0).Order().ElementAt(main.StepsDone / 2);
        ctx.Report.Heading("GPT-2 small (124M): the `full` preset");
        if (cfg.Gpt2SmallSteps > 0)
        {
            var gptText = cfg.Tokenizer == "gpt2" ? text : PretrainingText.Load(new PretrainingData(Tokenizer: "gpt2", TrainBytes: cfg.CorpusBytes, ValidationBytes: cfg.ValidationBytes), ctx.Corpus);
            int steps = Math.Max(2, cfg.Gpt2SmallSteps);
            // llm.c's recipe at a CPU-sized batch: 1 × T tokens per step instead of 524,288 (which accumulation would reach).
            var trainer = new TrainerOptions(steps, 1, cfg.Gpt2SmallContext, 6e-4, GradClip: 1.0, WeightDecay: 0.1, EvalEvery: steps, EvalBatches: 1,
                LogEvery: 1_000_000, Beta2: 0.95, WarmupSteps: 1, MinLearningRate: 6e-5);
            var config = new PretrainingConfig
            {
                Model = shape, Trainer = trainer, Seed = ctx.Seed, CheckpointEvery = steps / 2, KeepLast = 1,
                Data = new PretrainingData(Tokenizer: "gpt2", TrainBytes: cfg.CorpusBytes, ValidationBytes: cfg.ValidationBytes),
            };
            string dir = Path.Combine(ctx.Directory, "gpt2-small");
            using (GptPretraining.Train(config with { Trainer = trainer with { StopAtStep = steps / 2 } }, gptText, dir)) { }
            using var resumed = GptPretraining.Train(config, gptText, dir, resumeFrom: dir);
            long peakMemory = Process.GetCurrentProcess().PeakWorkingSet64;
            var r = resumed.Result;
            ctx.Checks.Published("GPT-2 small: 124,439,808 parameters (HF model card)")
                .Equal("GPT-2 small: built with 124,439,808 parameters", resumed.Model.ParameterCount, 124_439_808);
            ctx.Checks.KnownAnswer("the steps asked for")
                .Equal($"GPT-2 small: {steps} optimizer steps, checkpointed at {steps / 2} and resumed", r.StepsDone, steps);
            ctx.Checks.Formula("cross-entropy of a finite model is finite")
                .True("GPT-2 small: the losses are finite", r.Steps.All(s => double.IsFinite(s.Loss)), string.Join(", ", r.Steps.Select(s => F(s.Loss, "0.000"))));
            ctx.Report.Paragraph($"Built and trained here for {steps} steps of 1 × {cfg.Gpt2SmallContext} tokens (stopped at {steps / 2}, resumed from the checkpoint): " +
                $"median step {F(r.MedianStepMilliseconds, "0")} ms, {N(r.TokensPerSecond)} tokens/s, process peak memory {F(peakMemory / 1e9, "0.0")} GB " +
                $"(weights, gradients and AdamW's two moments in fp32 are 16 B/parameter = {F(16 * 124_439_808 / 1e9, "0.0")} GB, plus activations); losses " +
                $"{string.Join(", ", r.Steps.Select(s => F(s.Loss, "0.000")))} (ln 50,257 = {F(Math.Log(50257), "0.000")} at the start).");
            Directory.Delete(dir, recursive: true);
        }
        else ctx.Report.Paragraph("Not trained at this profile (it needs ~3 GB of memory and writes ~1.5 GB per checkpoint): `--set gpt2_small_steps=4` runs it.");

        var spec = ModelPresets.Get("gpt2");
        var estimate = MemoryEstimator.Training(spec, new TrainingMemoryOptions(Dtype.Bf16, MicroBatch: 16, SeqLen: 1024, FlashAttention: true));
        var h100 = GpuCatalog.Get("H100 SXM 80GB");
        double seconds = 10e9 * flopsPerToken / (Math.Max(mfu, 1e-9) * h100.PeakBf16Flops);
        ctx.Report.Paragraph($"What it needs (Part 1's estimator, bf16 with fp32 masters and AdamW, micro-batch 16 × 1,024, flash attention): " +
            $"{F(estimate.TotalBytes / 1e9, "0.0")} GB per GPU, which fits on {string.Join(", ", estimate.FittingGpus().Select(g => g.Name))}. " +
            $"10B tokens (llm.c's GPT-2 124M run) at {N(flopsPerToken / 1e6)} MFLOPs per token is {(10e9 * flopsPerToken).ToString("0.0e+00", System.Globalization.CultureInfo.InvariantCulture)} FLOPs: " +
            $"on one {h100.Name} ({F(h100.PeakBf16Flops / 1e12, "0.#")} dense bf16 TFLOP/s) at the MFU measured here ({F(100 * mfu, "0.0")}%) that is " +
            $"{F(seconds / 3600, "0.0")} hours; at 100% it would be {F(seconds * mfu / 3600, "0.0")} hours.");
        ctx.Report.Headline("GPT-2 small, 10B tokens on one H100", $"{F(seconds / 3600, "0.0")} h at {F(100 * mfu, "0.0")}% MFU");
    }
}
