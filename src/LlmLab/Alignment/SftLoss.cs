using LlmLab.Data;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>The SFT loss for the <see cref="Training.Trainer"/>: the model's logits for the batch's tokens, positions and
/// mask, and the mean cross-entropy over the targets that are not −1.</summary>
public static class SftLoss
{
    /// <summary>batch → mean cross-entropy (nats) over the batch's targets ≠ −1, through <paramref name="model"/>.</summary>
    public static Func<TrainingBatch, Tensor> For(GptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return b => Of(model.Forward(b.X, null, b.Positions, b.Mask), b.Y);
    }

    /// <summary>The mean cross-entropy of <paramref name="logits"/> (B, T, V) over the targets (B, T) that are not −1.</summary>
    public static Tensor Of(Tensor logits, Tensor targets)
    {
        if (logits.dtype != ScalarType.Float32 && logits.dtype != ScalarType.Float64) logits = logits.to(ScalarType.Float32);
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: -1);
    }
}
