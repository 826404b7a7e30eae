using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>The next-token loss of a language model, as a <see cref="Trainer"/> loss function.</summary>
public static class LanguageModelLoss
{
    /// <summary>
    /// (x (B, T), y (B, T)) → mean cross-entropy in nats over the B·T targets of the model's logits (B, T, V). The model
    /// is any module from token ids to logits over the last dimension.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> For(TorchSharp.torch.nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (x, y) =>
        {
            var logits = model.call(x);                                   // (B, T, V)
            return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), y.reshape(-1));
        };
    }
}
