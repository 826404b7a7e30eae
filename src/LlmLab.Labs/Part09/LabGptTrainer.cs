using LlmLab.Labs.Framework;
using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part09;

/// <summary>How one GPT of a Part 9 lab is shaped and trained.</summary>
/// <param name="Name">What the report calls it ("draft", "target", "model"); also seeds its initialisation.</param>
/// <param name="Layers">n_layer.</param>
/// <param name="Width">n_embd.</param>
/// <param name="Heads">n_head.</param>
/// <param name="Steps">AdamW steps.</param>
/// <param name="LearningRate">AdamW's constant learning rate.</param>
internal sealed record LabGptPlan(string Name, int Layers, int Width, int Heads, int Steps, double LearningRate);

/// <summary>
/// Trains the GPTs of Part 9's labs: the library's <see cref="GptModel"/> (learned positions, SDPA attention, no
/// dropout) trained by <see cref="Trainer"/> on seeded random windows of the corpus, as lab 4.1 trains its GPT, with a
/// validation point at the start and the end.
/// </summary>
internal static class LabGptTrainer
{
    /// <summary>The model's shape for <paramref name="plan"/>.</summary>
    public static GptConfig Shape(LabGptPlan plan, int vocab, int context) => new()
    {
        VocabSize = vocab, Context = context, Layers = plan.Layers, Width = plan.Width, Heads = plan.Heads, Dropout = 0,
        PositionEmbedding = PositionEmbeddingKind.Learned, Attention = AttentionKernel.Sdpa,
    };

    /// <summary>Trains a fresh model for <paramref name="plan"/> on batches of <paramref name="batch"/> ×
    /// <paramref name="context"/> tokens; the validation loss is logged to the run's metrics. The caller owns the model.</summary>
    public static (GptModel Model, TrainingResult Result) Train(LabContext ctx, LabCorpus data, LabGptPlan plan, int context, int batch,
        int evalBatches)
    {
        Seeding.SeedTorch(Seeding.DeriveSeed(ctx.Seed, plan.Name + "-init"));
        var model = new GptModel(Shape(plan, data.Vocab, context));
        try
        {
            var options = new TrainerOptions(Steps: plan.Steps, Batch: batch, Context: context, LearningRate: plan.LearningRate,
                GradClip: 1.0,
                EvalEvery: plan.Steps, EvalBatches: evalBatches, LogEvery: 1_000_000);
            using var eval = EvalSet.FromTokens(data.Validation, context, batch, evalBatches);
            var batches = new TokenWindowBatches(data.Train, batch, context, Seeding.DeriveSeed(ctx.Seed, plan.Name + "-batches"));
            using var bar = ctx.Progress.Begin($"{ctx.Info.Id} {plan.Name} ({plan.Layers} × {plan.Width})", plan.Steps);
            var result = new Trainer(model, LanguageModelLoss.For(model), options).Run(batches, eval, onStep: _ => bar.Increment(),
                onEval: e =>
                ctx.Metrics.Log(new { model = plan.Name, step = e.Step, seconds = e.Seconds, tokens = e.Tokens, val_loss = e.Loss }));
            model.eval();
            return (model, result);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>A new model with <paramref name="source"/>'s shape and a copy of its weights, in evaluation mode. The
    /// caller owns it.</summary>
    public static GptModel Copy(GptModel source)
    {
        var copy = new GptModel(source.Config);
        using (no_grad())
        {
            var from = source.state_dict();
            foreach (var (name, p) in copy.state_dict()) p.copy_(from[name]);
        }
        copy.eval();
        return copy;
    }

    /// <summary>Mean loss per token (nats) of <paramref name="model"/> on <paramref name="set"/>, without gradients.</summary>
    public static double ValidationLoss(GptModel model, EvalSet set, int context) =>
        new Trainer(model, LanguageModelLoss.For(model), new TrainerOptions(Steps: 1, Batch: 1, Context: context, LearningRate: 1))
            .Evaluate(set);
}
