using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Alignment;

/// <summary>
/// Direct Preference Optimization as a library call: preference pairs in, the policy trained in place out
/// (Rafailov et al. 2023). Steps:
/// <list type="number">
/// <item>encode the pairs with the chat template (<see cref="EncodedPair"/>);</item>
/// <item>compute the frozen reference's log-probability of every reply once (<see cref="PreferenceBatches.ComputeReference"/>):
/// the reference is the given model, or by default a copy of the policy as it is now (the SFT model);</item>
/// <item>train with the one <see cref="Trainer"/> on <see cref="DpoLoss"/> (AdamW, constant rate, clip 1), with its
/// checkpoints and exact resume when a checkpoint directory or a checkpoint to resume is given.</item>
/// </list>
/// Used by lab 7.2, <c>llmlab dpo</c> and lab 7.3's DPO with refusal preferences. Not thread-safe (it trains the model).
/// </summary>
public static class DpoTrainer
{
    /// <summary>Trains <paramref name="policy"/> on <paramref name="pairs"/>; returns the run's steps (with the DPO
    /// metrics in <see cref="StepMetrics.Values"/>). The policy is left in evaluation mode.</summary>
    /// <param name="policy">The model to train (in place), usually an SFT model.</param>
    /// <param name="tokenizer">Its tokenizer, with the chat tokens.</param>
    /// <param name="pairs">The preferences.</param>
    /// <param name="options">Steps, batch, rate, β, loss kind, seed.</param>
    /// <param name="reference">The frozen reference (not modified, not owned); null = a copy of the policy before training.</param>
    /// <param name="onStep">Sees every step.</param>
    /// <param name="log">The one-line step log.</param>
    /// <param name="checkpoints">Checkpoint directory and cadence, or null.</param>
    /// <param name="resumeFrom">A checkpoint to resume exactly, or null.</param>
    /// <param name="cancellationToken">Checked between steps.</param>
    /// <exception cref="InputException">Bad options, a tokenizer without chat tokens, a pair longer than the context, or
    /// a reference of another shape or vocabulary.</exception>
    public static TrainingResult Train(GptModel policy, BpeTokenizer tokenizer, IReadOnlyList<PreferencePair> pairs, DpoOptions options,
        GptModel? reference = null, Action<StepMetrics>? onStep = null, Action<string>? log = null, CheckpointOptions? checkpoints = null,
        string? resumeFrom = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (reference is not null && reference.Config.VocabSize != policy.Config.VocabSize)
            throw new InputException($"the reference model has vocab_size {reference.Config.VocabSize}, the policy {policy.Config.VocabSize}: " +
                "the reference must share the policy's tokenizer (use the SFT checkpoint the policy came from)");
        var batches = Batches(pairs, tokenizer, options.Batch, policy.Config.Context, options.Seed);
        if (reference is null)
        {
            using var copy = VocabularyGrowth.Grow(policy, policy.Config.VocabSize);
            batches.ComputeReference(copy);
        }
        else batches.ComputeReference(reference);
        Seeding.SeedTorch(options.Seed);
        var trainer = new TrainerOptions(Steps: options.Steps, Batch: 2 * options.Batch, Context: policy.Config.Context,
            LearningRate: options.LearningRate, GradClip: 1.0, LogEvery: Math.Max(1, options.Steps / 20), EvalEvery: options.Steps + 1);
        policy.train();
        try
        {
            return new Trainer(policy, DpoLoss.For(policy, options.Beta, options.Loss), trainer)
                .Run(batches, onStep: onStep, log: log, cancellationToken: cancellationToken, checkpoints: checkpoints, resumeFrom: resumeFrom);
        }
        finally { policy.eval(); }
    }

    /// <summary>The pairs encoded and batched; a pair too long for <paramref name="context"/> is an error naming it.</summary>
    /// <exception cref="InputException">No pair, a pair too long, or a tokenizer without chat tokens.</exception>
    public static PreferenceBatches Batches(IReadOnlyList<PreferencePair> pairs, BpeTokenizer tokenizer, int batch, int context, int seed)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new PreferenceBatches(pairs.Select(p => EncodedPair.Encode(p, tokenizer)).ToArray(), batch, context, seed);
    }

    /// <summary>Preference accuracy of <paramref name="policy"/> against <paramref name="reference"/> on
    /// <paramref name="pairs"/>: the share of pairs whose implicit reward margin h is &gt; 0 (TRL's
    /// <c>rewards/accuracies</c>), in evaluation mode.</summary>
    public static double PreferenceAccuracy(GptModel policy, GptModel reference, BpeTokenizer tokenizer, IReadOnlyList<PreferencePair> pairs, int batch = 8)
    {
        var b = Batches(pairs, tokenizer, batch, policy.Config.Context, 0);
        var (pc, pr) = b.LogProbs(policy);
        var (rc, rr) = b.LogProbs(reference);
        return Enumerable.Range(0, pc.Length).Count(i => (pc[i] - rc[i]) - (pr[i] - rr[i]) > 0) / (double)pc.Length;
    }
}
