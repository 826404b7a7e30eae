using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Training;

namespace LlmLab.Labs.Part06;

public sealed partial class PretrainingLab
{
    static void Introduce(LabContext ctx, PretrainingLabConfig cfg, PretrainingText text, PretrainingConfig main, double peak)
    {
        var t = main.Trainer;
        ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`: {N(text.TrainBytes)} training bytes and {N(text.ValidationBytes)} validation bytes (held-out documents), " +
            $"tokenized by {(cfg.Tokenizer == "bpe" ? $"our byte-level BPE trained on the training text (V = {text.Tokenizer.VocabSize})" : "GPT-2's BPE (V = 50,257)")}: " +
            $"{N(text.Train.Length)} training tokens, {N(text.Validation.Length)} validation tokens, {F((double)text.ValidationBytes / text.Validation.Length, "0.00")} bytes per token.");
        ctx.Report.Paragraph($"Model: `GptModel`, {main.Model.Layers} blocks × {main.Model.Heads} heads × {main.Model.Width} wide, context {main.Model.Context}, " +
            $"{N(GptSizing.ParameterCount(main.Model))} parameters, {N(GptSizing.FlopsPerToken(main.Model, t.Context))} training FLOPs per token (6N + 12·L·H·Q·T). " +
            $"Trainer: {N(t.Steps)} steps of {N(t.TokensPerStep)} tokens ({t.Batch} × {t.Context} × {t.Accumulation} micro-batches), AdamW β = (0.9, {F(t.Beta2)}), " +
            $"weight decay {F(t.WeightDecay)} on matrices and embeddings only, learning rate {F(t.LearningRate, "0.0e+00")} after {t.WarmupSteps} warmup steps, " +
            $"cosine to {F(t.MinLearningRate ?? 0, "0.0e+00")}, gradient clip {F(t.GradClip)}, {t.Precision.ToString().ToLowerInvariant()}, checkpoint every {main.CheckpointEvery} steps.");
        ctx.Report.Paragraph(cfg.PeakTflops > 0
            ? $"MFU is measured against a peak of {F(peak / 1e12, "0.###")} TFLOP/s (given)."
            : $"MFU is measured against this CPU's own fp32 matmul rate, {F(peak / 1e9, "0.0")} GFLOP/s (the best of a few large square matmuls at " +
              $"{ctx.Threads} thread(s), `MatmulPeak`): a CPU has no datasheet tensor-core peak, so the figure says how much of what its BLAS " +
              "reaches on one big matmul the whole training step reaches.");
    }

    static void Report(LabContext ctx, PretrainingLabConfig cfg, PretrainingText text, PretrainingConfig main, TrainingResult r,
        List<(int Step, string Text)> samples)
    {
        double mfu = r.Steps.Where(s => s.Mfu is not null).Select(s => s.Mfu!.Value).DefaultIfEmpty(0).Order().ElementAt(r.StepsDone / 2);
        double flops = GptSizing.FlopsPerToken(main.Model, main.Trainer.Context) * r.Tokens;
        ctx.Report.Heading("The main run");
        ctx.Report.Table(["steps", "tokens", "training s", "tokens/s", "median step ms", "median MFU", "compute (FLOPs)", "initial val loss", "final val loss", "final val bits/byte", "unigram bits/byte"],
            [[N(r.StepsDone), N(r.Tokens), F(r.Seconds, "0.0"), N(r.TokensPerSecond), F(r.MedianStepMilliseconds, "0"), F(100 * mfu, "0.0") + "%", flops.ToString("0.00e+00", System.Globalization.CultureInfo.InvariantCulture),
              F(r.Initial!.Loss, "0.000"), F(r.Final!.Loss, "0.000"), F(text.BitsPerByte(r.Final.Loss), "0.000"), F(text.BitsPerByte(text.UnigramNats), "0.000")]],
            r.StoppedByTimeBudget ? "the time budget stopped the run before its last step" : null);
        ctx.Plot("loss", PretrainingPlots.Loss(r, text.UnigramNats), "Training loss per step and validation loss (fixed held-out windows); dotted: the unigram baseline");
        ctx.Plot("lr-gradnorm", PretrainingPlots.LrAndGradNorm(r, main.Trainer.GradClip), "Learning rate (warmup + cosine) and the gradient norm before clipping");
        ctx.Plot("throughput", PretrainingPlots.Throughput(r), "Tokens per second and MFU per step");
        ctx.Report.Headline("final val loss (bits/byte)", $"{F(r.Final.Loss, "0.000")} nats ({F(text.BitsPerByte(r.Final.Loss), "0.000")} bits/byte)");
        ctx.Report.Headline("throughput", $"{N(r.TokensPerSecond)} tok/s, MFU {F(100 * mfu, "0.0")}%");

        ctx.Report.Heading("Samples at each checkpoint");
        ctx.Report.Paragraph($"Prompt \"{Prompt}\", temperature {F(cfg.Temperature)}, the same seed each time: what changes is the model.");
        foreach (var (step, sample) in samples)
        {
            ctx.Report.Paragraph($"Step {N(step)}:");
            ctx.Report.Code(sample);
        }
    }
}
