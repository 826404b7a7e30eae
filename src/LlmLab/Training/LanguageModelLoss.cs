using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>The next-token loss of a language model, as a <see cref="Trainer"/> loss function.</summary>
public static class LanguageModelLoss
{
    /// <summary>
    /// (x (B, T), y (B, T)) → mean cross-entropy in nats over the B·T targets of the model's logits (B, T, V). The model
    /// is any module from token ids to logits over the last dimension. Logits in a 16-bit format are cast to fp32 first.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> For(TorchSharp.torch.nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (x, y) =>
        {
            var logits = model.call(x);                                   // (B, T, V)
            // In bf16 training the softmax and its log run in fp32: a loss of ~ln V summed in bf16 would lose ~3 digits.
            if (logits.dtype != ScalarType.Float32 && logits.dtype != ScalarType.Float64) logits = logits.to(ScalarType.Float32);
            return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), y.reshape(-1));
        };
    }
}
