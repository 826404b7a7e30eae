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
public sealed record TrainingBatch(Tensor X, Tensor Y, Tensor? Positions = null, Tensor? Mask = null)
{
    /// <summary>A plain (X, Y) batch.</summary>
    public static implicit operator TrainingBatch((Tensor X, Tensor Y) pair) => new(pair.X, pair.Y);

    /// <summary>(X, Y), as the pair batches were.</summary>
    public void Deconstruct(out Tensor x, out Tensor y) => (x, y) = (X, Y);

    /// <summary>The batch on <paramref name="device"/> (itself when already there); new tensors join the caller's scope.</summary>
    public TrainingBatch To(Device device) => X.device == device ? this
        : new(X.to(device), Y.to(device), Positions?.to(device), Mask?.to(device));
}
