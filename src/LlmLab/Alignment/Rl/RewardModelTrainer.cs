using LlmLab.Data;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// The reward model: a <see cref="ScalarHeadModel"/> trained on preference pairs with the Bradley–Terry loss
/// L = −log σ(r(x, y_c) − r(x, y_r)) (Ouyang et al. 2022, eq. 1; TRL's RewardTrainer), through the one
/// <see cref="Trainer"/>. A reply's reward is the head's value at the position that predicts the reply's last id (for a
/// finished reply, its <c>&lt;|end|&gt;</c>: the position that has read all of it). Not thread-safe (it trains the model).
/// </summary>
public static class RewardModelTrainer
{
    /// <summary>The trainer's loss for a <see cref="PreferenceBatches"/> batch (2B rows: chosen, then rejected): the mean
    /// Bradley–Terry loss, with <c>accuracy</c> (share of pairs scored the right way round) and <c>margin</c>.</summary>
    public static Func<TrainingBatch, TrainingLoss> Loss(ScalarHeadModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return batch =>
        {
            var (_, values) = model.Forward(batch.X);
            var r = ScalarHeadModel.AtLastTarget(values, batch.Y);                    // (2B)
            long b = r.shape[0] / 2;
            var diff = r.narrow(0, 0, b) - r.narrow(0, b, b);                         // (B) r_c − r_r
            var loss = -nn.functional.logsigmoid(diff).mean();
            using var noGrad = no_grad();
            return new TrainingLoss(loss, new Dictionary<string, double>
            {
                ["accuracy"] = (diff > 0).to(ScalarType.Float32).mean().item<float>(),
                ["margin"] = diff.mean().item<float>(),
            });
        };
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="pairs"/>; left in evaluation mode.</summary>
    /// <exception cref="InputException">Bad options, a tokenizer without chat tokens, or a pair longer than the context.</exception>
    public static TrainingResult Train(ScalarHeadModel model, BpeTokenizer tokenizer, IReadOnlyList<PreferencePair> pairs, RewardModelOptions options,
        Action<StepMetrics>? onStep = null, Action<string>? log = null, CheckpointOptions? checkpoints = null, string? resumeFrom = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int context = model.Body.Config.Context;
        var batches = DpoTrainer.Batches(pairs, tokenizer, options.Batch, context, options.Seed);
        Seeding.SeedTorch(options.Seed);
        var trainer = new TrainerOptions(Steps: options.Steps, Batch: 2 * options.Batch, Context: context, LearningRate: options.LearningRate,
            GradClip: 1.0, LogEvery: Math.Max(1, options.Steps / 20), EvalEvery: options.Steps + 1);
        model.train();
        try
        {
            return new Trainer(model, Loss(model), trainer)
                .Run(batches, onStep: onStep, log: log, cancellationToken: cancellationToken, checkpoints: checkpoints, resumeFrom: resumeFrom);
        }
        finally { model.eval(); }
    }

    /// <summary>The share of <paramref name="pairs"/> whose chosen reply the model scores above the rejected one.</summary>
    public static double PairwiseAccuracy(ScalarHeadModel model, BpeTokenizer tokenizer, IReadOnlyList<PreferencePair> pairs, int batch = 16)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var enc = pairs.Select(p => EncodedPair.Encode(p, tokenizer)).ToArray();
        var chosen = Score(model, enc.Select(e => (e.Prompt, e.Chosen)).ToArray(), batch);
        var rejected = Score(model, enc.Select(e => (e.Prompt, e.Rejected)).ToArray(), batch);
        return Enumerable.Range(0, enc.Length).Count(i => chosen[i] > rejected[i]) / (double)Math.Max(1, enc.Length);
    }

    /// <summary>The reward of each (prompt ids, reply ids), in evaluation mode without gradients, batches of
    /// <paramref name="batch"/>.</summary>
    public static float[] Score(ScalarHeadModel model, IReadOnlyList<(int[] Prompt, int[] Reply)> sequences, int batch = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        var scores = new float[sequences.Count];
        bool wasTraining = model.training;
        var device = model.parameters().First().device;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < sequences.Count; start += batch)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(batch, sequences.Count - start);
                var (x, y) = PreferenceBatches.Rows(sequences.Skip(start).Take(n).ToArray(), model.Body.Config.Context);
                var (_, values) = model.Forward(x.to(device));
                ScalarHeadModel.AtLastTarget(values, y.to(device)).cpu().data<float>().ToArray().CopyTo(scores, start);
            }
        }
        finally { model.train(wasTraining); }
        return scores;
    }
}
