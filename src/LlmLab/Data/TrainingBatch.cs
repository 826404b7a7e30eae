using static TorchSharp.torch;

namespace LlmLab.Data;

/// <summary>
/// One batch for the trainer: inputs and targets, and for rows that hold more than one sequence (packed fine-tuning
/// examples) each token's position and an attention mask. Pretraining batches are plain (X, Y): a tuple converts to
/// this record, and it deconstructs to (X, Y), so code written for the pair keeps working. The tensors are the caller's
/// (they join the caller's dispose scope).
/// </summary>
/// <param name="X">Inputs, (B, T) int64.</param>
/// <param name="Y">Targets, (B, T) int64; −1 = no loss at that position (padding, a prompt token in SFT).</param>
/// <param name="Positions">(B, T) int64 position of each token within its own sequence, or null for 0..T−1 in every row.</param>
/// <param name="Mask">(B, 1, T, T) bool, true where a query may attend to a key (the causal rule within each packed
/// sequence), or null for the plain causal mask.</param>
/// <param name="Extras">Further tensors by name, for losses whose batch is more than (X, Y): preference pairs carry the
/// reference model's log-probabilities, PPO minibatches their advantages, returns and old log-probabilities. Moved with
/// the batch by <see cref="To"/>; null when none.</param>
public sealed record TrainingBatch(Tensor X, Tensor Y, Tensor? Positions = null, Tensor? Mask = null,
    IReadOnlyDictionary<string, Tensor>? Extras = null)
{
    /// <summary>A plain (X, Y) batch.</summary>
    public static implicit operator TrainingBatch((Tensor X, Tensor Y) pair) => new(pair.X, pair.Y);

    /// <summary>(X, Y), as the pair batches were.</summary>
    public void Deconstruct(out Tensor x, out Tensor y) => (x, y) = (X, Y);

    /// <summary>The batch on <paramref name="device"/> (itself when already there); new tensors join the caller's scope.</summary>
    public TrainingBatch To(Device device) => X.device == device ? this
        : new(X.to(device), Y.to(device), Positions?.to(device), Mask?.to(device),
            Extras?.ToDictionary(e => e.Key, e => e.Value.to(device)));

    /// <summary>The extra tensor called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The batch has no such extra (a provider and a loss that do not match).</exception>
    public Tensor Extra(string name) => Extras is not null && Extras.TryGetValue(name, out var t) ? t
        : throw new ArgumentException($"the batch has no '{name}' tensor (it has: {string.Join(", ", Extras?.Keys ?? [])})", nameof(name));
}
