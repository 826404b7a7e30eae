using LlmLab.Data;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// PPO for a chat policy as a library call (the InstructGPT/TRL recipe): prompts and a reward function in, the policy
/// trained in place out. A value head is put on a copy of the policy (<see cref="ScalarHeadModel"/>: one body, two heads);
/// <see cref="PpoRollouts"/> makes the rollouts through the <see cref="GenerationEngine"/>; the one <see cref="Trainer"/>
/// minimises the clipped policy loss + value_coef × the clipped value loss (<see cref="PpoMath"/>) over
/// <see cref="PpoOptions.Epochs"/> passes of each rollout batch; at the end the trained body's weights are copied back
/// into the caller's policy. Each step's metrics carry the current rollout's score and KL beside the losses. Not
/// thread-safe.
/// </summary>
public static class PpoTrainer
{
    /// <summary>The trainer's loss for a <see cref="PpoRollouts"/> minibatch: policy loss + value_coef·value loss, with
    /// <c>policy_loss</c>, <c>value_loss</c>, <c>clip_fraction</c>, <c>approx_kl</c> (½·mean (log π − log π_old)²) and the
    /// rollout's <c>score</c>, <c>kl</c> and <c>kl_coef</c>.</summary>
    public static Func<TrainingBatch, TrainingLoss> Loss(ScalarHeadModel model, PpoOptions o, PpoRollouts rollouts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(o);
        return batch =>
        {
            var mask = batch.Y >= 0;
            var (logits, values) = model.Forward(batch.X);
            var logp = SequenceLogProbs.PerToken(logits / o.Temperature, batch.Y);
            var old = batch.Extra(PpoRollouts.OldLogProbs);
            var (pg, clipFraction) = PpoMath.PolicyLoss(logp, old, batch.Extra(PpoRollouts.Advantages), mask, o.ClipRange);
            var vf = PpoMath.ValueLoss(values, batch.Extra(PpoRollouts.OldValues), batch.Extra(PpoRollouts.Returns), mask, o.ClipRangeValue);
            var total = pg + o.ValueCoef * vf;
            using var noGrad = no_grad();
            var metrics = new Dictionary<string, double>
            {
                ["policy_loss"] = pg.item<float>(), ["value_loss"] = vf.item<float>(), ["clip_fraction"] = clipFraction.item<float>(),
                ["approx_kl"] = (0.5 * PpoMath.MaskedMean((logp - old).pow(2), mask)).item<float>(),
            };
            if (rollouts.Current is { } c) { metrics["score"] = c.Score; metrics["kl"] = c.Kl; metrics["kl_coef"] = c.KlCoef; }
            return new TrainingLoss(total, metrics);
        };
    }

    /// <summary>Trains <paramref name="policy"/> (in place) with PPO on <paramref name="prompts"/>.</summary>
    /// <param name="policy">The chat policy (usually the SFT model); its weights are replaced by the trained ones.</param>
    /// <param name="tokenizer">Its tokenizer, with the chat tokens.</param>
    /// <param name="prompts">The prompts (system/user turns); each rollout takes the next ones in a seeded order.</param>
    /// <param name="reward">Scores a rollout's replies (a reward model's <see cref="RewardModelTrainer.Score"/>, or a checker).</param>
    /// <param name="options">PPO's settings.</param>
    /// <param name="reference">The frozen reference (not owned); null = a copy of the policy before training.</param>
    /// <param name="onStep">Sees every step.</param>
    /// <param name="log">The one-line step log.</param>
    /// <param name="checkpoints">Checkpoint directory and cadence (of the policy-with-value model), or null.</param>
    /// <param name="resumeFrom">A checkpoint to resume exactly, or null.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <returns>The trainer's result and every rollout's figures.</returns>
    /// <exception cref="InputException">Bad options, a tokenizer without chat tokens, a prompt with no room to reply, or a
    /// reference of another vocabulary.</exception>
    public static (TrainingResult Training, IReadOnlyList<RolloutStats> Rollouts) Train(GptModel policy, BpeTokenizer tokenizer,
        IReadOnlyList<IReadOnlyList<ChatMessage>> prompts, Func<IReadOnlyList<PpoSample>, double[]> reward, PpoOptions options,
        GptModel? reference = null, Action<StepMetrics>? onStep = null, Action<string>? log = null, CheckpointOptions? checkpoints = null,
        string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (reference is not null && reference.Config.VocabSize != policy.Config.VocabSize)
            throw new InputException($"the reference model has vocab_size {reference.Config.VocabSize}, the policy {policy.Config.VocabSize}: " +
                "the reference must share the policy's tokenizer (use the SFT checkpoint the policy came from)");
        var ids = prompts.Select(p => ChatTemplate.Chat.Encode(p, tokenizer, addGenerationPrompt: true).Ids).ToArray();
        using var ownReference = reference is null ? VocabularyGrowth.Grow(policy, policy.Config.VocabSize) : null;
        var frozen = reference ?? ownReference!;
        frozen.eval();
        Seeding.SeedTorch(options.Seed);
        using var model = new ScalarHeadModel(VocabularyGrowth.Grow(policy, policy.Config.VocabSize), Seeding.DeriveSeed(options.Seed, "value-head"));
        var rollouts = new PpoRollouts(model, frozen, tokenizer, ids, reward, options);
        int steps = options.Rollouts * options.StepsPerRollout;
        var trainer = new TrainerOptions(Steps: steps, Batch: options.MiniBatch, Context: policy.Config.Context, LearningRate: options.LearningRate,
            GradClip: 1.0, LogEvery: Math.Max(1, steps / 20), EvalEvery: steps + 1);
        model.train();
        var result = new Trainer(model, Loss(model, options, rollouts), trainer)
            .Run(rollouts, onStep: onStep, log: log, cancellationToken: cancellationToken, checkpoints: checkpoints, resumeFrom: resumeFrom);
        using (no_grad())
        {
            var trained = model.Body.state_dict();
            foreach (var (name, p) in policy.state_dict()) p.copy_(trained[name]);
        }
        policy.eval();
        return (result, rollouts.History.ToArray());
    }
}
