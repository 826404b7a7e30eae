using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// The keys and values a <see cref="GptModel"/> has computed so far, per layer, so that decoding one more token costs
/// one token's forward instead of the whole sequence's (the keys/values of earlier tokens never change in a causal
/// model). The model reads <see cref="Length"/> before a forward (the new tokens' first position), and each layer
/// appends its new keys/values and attends over everything stored. For inference: implementations may store detached
/// copies, so no gradient flows through a cache. Not thread-safe; one cache per sequence batch.
/// </summary>
public interface IKvCache : IDisposable
{
    /// <summary>Layers the cache holds (the model's n_layer).</summary>
    int Layers { get; }

    /// <summary>Tokens stored in every layer: the position of the next token.</summary>
    int Length { get; }

    /// <summary>
    /// Appends keys and values of new tokens to <paramref name="layer"/>, k and v (B, nkv, T_new, hs), and returns all of
    /// the layer's keys and values, (B, nkv, T_cached + T_new, hs) each. The returned tensors are the caller's handles
    /// (possibly views of the cache's storage: valid until the next <see cref="Reset"/> or <see cref="IDisposable.Dispose"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The cache has no room for T_new more tokens.</exception>
    /// <exception cref="ArgumentException">A layer out of range, or shapes that differ from what the layer holds.</exception>
    (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v);

    /// <summary>Forgets every stored token (<see cref="Length"/> = 0), keeping allocated storage for reuse.</summary>
    void Reset();
}
