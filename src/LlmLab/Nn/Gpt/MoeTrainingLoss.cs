using LlmLab.Nn.Moe;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>The training objective of a GPT with Mixture-of-Experts layers, as a <c>Trainer</c> loss function.</summary>
public static class MoeTrainingLoss
{
    /// <summary>
    /// (x (B, T), y (B, T)) → mean next-token cross-entropy in nats, plus, in training mode, the model's
    /// <see cref="GptModel.AuxiliaryLoss"/> (Σ over layers of α·balance + β·z-loss). In evaluation mode the auxiliary
    /// term is left out, so validation losses of dense and MoE models are the same quantity. For a dense model this is
    /// the plain cross-entropy. The returned scalar belongs to the caller's dispose scope.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> For(GptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (x, y) =>
        {
            var logits = model.call(x);                                                          // (B, T, V)
            var ce = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), y.reshape(-1));
            return model.training && model.AuxiliaryLoss is { } aux ? ce + aux : ce;
        };
    }
}
