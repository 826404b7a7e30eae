using LlmLab.Nn.Attention;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

// The serving path of the GPT in Gpt.cs: the same modules and weights, run over tokens that follow a KV cache
// (incremental decoding), or laid out per row (left-padded prompts, packed fine-tuning rows, sequences at different
// lengths in one batched cache) with explicit positions and an attention mask. Kept apart so that the plain forward
// reads like the model it teaches; the two paths agree exactly (tests/LlmLab.Tests/Nn/GptKvCacheTests.cs,
// GptGoldenTests.cs).

/// <summary>
/// Where a forward's new tokens sit, handed from the model to every block: either all rows start at
/// <see cref="Offset"/> (the cache's length), or each token has its own position and an explicit attention mask.
/// The tensors belong to the caller of <see cref="GptModel.Forward(Tensor, IKvCache?, Tensor?, Tensor?)"/>.
/// </summary>
/// <param name="Offset">The position of the first new token when <see cref="Positions"/> is null.</param>
/// <param name="Positions">(B, T) int64 per-token positions, or null.</param>
/// <param name="Mask">(B, 1, T, S) bool, true = visible, or null for the causal rule.</param>
public readonly record struct TokenPositions(long Offset, Tensor? Positions, Tensor? Mask);

public sealed partial class CausalSelfAttention
{
    /// <summary>
    /// x (B, T, d) → (B, T, d), a new tensor, for tokens placed by <paramref name="at"/>: their keys and values are
    /// appended to <paramref name="cache"/>'s <paramref name="layer"/> (when there is a cache) and the queries attend over
    /// everything stored, under the causal rule or <see cref="TokenPositions.Mask"/>.
    /// </summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope, IKvCache? cache, int layer, TokenPositions at)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Heads(x);
        if (rope is not null)
        {
            q = at.Positions is null ? rope.Apply(q, at.Offset) : rope.Apply(q, at.Positions);
            k = at.Positions is null ? rope.Apply(k, at.Offset) : rope.Apply(k, at.Positions);
        }
        if (cache is not null) (k, v) = cache.Append(layer, k, v);                          // (B, nkv, S, hs)
        (k, v) = (Share(k), Share(v));                                                       // (B, nh, S, hs)
        var y = at.Mask is null
            ? AttentionKernels.Compute(_config.Attention, q.contiguous(), k.contiguous(), v.contiguous(), causal: true)
            : AttentionKernels.Masked(_config.Attention, q.contiguous(), k.contiguous(), v.contiguous(), at.Mask);
        return Merge(y).MoveToOuterDisposeScope();
    }
}

public sealed partial class GptBlock
{
    /// <summary>x (B, T, d) → (B, T, d), a new tensor; the arguments as
    /// <see cref="CausalSelfAttention.Forward(Tensor, RotaryEmbedding?, IKvCache?, int, TokenPositions)"/>.</summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope, IKvCache? cache, int layer, TokenPositions at)
    {
        using var scope = NewDisposeScope();
        x = x + attn.Forward(ln_1.call(x), rope, cache, layer, at);
        return FeedForward(x).MoveToOuterDisposeScope();
    }
}

public sealed partial class GptModel
{
    /// <summary>
    /// Logits (B, T, V) for tokens (B, T) int64 that follow the <see cref="IKvCache.Length"/> tokens already in
    /// <paramref name="cache"/> (positions offset by that length); each layer appends its keys and values. With a null
    /// cache this is <see cref="forward"/>. A new tensor the caller owns.
    /// </summary>
    /// <exception cref="ArgumentException">Tokens not (B, T) int64, a cache with other than n_layer layers, or more
    /// positions than n_positions.</exception>
    public Tensor Forward(Tensor idx, IKvCache? cache) => Forward(idx, cache, positions: null, attentionMask: null);

    /// <summary>
    /// The forward for batches whose rows are laid out differently: <paramref name="positions"/> (B, T) int64 gives each
    /// token's position (for the position embedding or RoPE), and <paramref name="attentionMask"/> (B, 1, T, S) bool
    /// says which of the S keys (cached + new) each new token may attend to (true = visible; it must include the causal
    /// rule, and hide padding). Positions must lie in 0..n_positions−1 (the caller lays them out; they are not read
    /// back here). With both null, the tokens follow the cache. A new tensor the caller owns.
    /// </summary>
    /// <exception cref="ArgumentException">As above, or positions/mask of the wrong shape or dtype.</exception>
    public Tensor Forward(Tensor idx, IKvCache? cache, Tensor? positions, Tensor? attentionMask)
    {
        if (cache is not null && cache.Layers != Config.Layers)
            throw new ArgumentException($"the KV cache has {cache.Layers} layers, the model {Config.Layers}", nameof(cache));
        long t = idx.shape.Length == 2 ? idx.shape[1] : 0, offset = cache?.Length ?? 0;
        CheckTokens(idx, offset, explicitPositions: positions is not null);
        CheckLayout(idx, positions, attentionMask);
        using var scope = NewDisposeScope();
        var x = wte.call(idx);                                                                 // (B, T, d)
        if (wpe is not null)
            x = x + wpe.call(positions ?? arange(offset, offset + t, dtype: ScalarType.Int64, device: idx.device)); // + (B, T, d) or (T, d)
        x = drop.call(x);
        var at = new TokenPositions(offset, positions, attentionMask);
        for (int layer = 0; layer < h.Count; layer++) x = h[layer].Forward(x, rope, cache, layer, at); // (B, T, d)
        SumAuxiliaryLosses();
        return Head(ln_f.call(x)).MoveToOuterDisposeScope();                                  // (B, T, V)
    }

    static void CheckLayout(Tensor idx, Tensor? positions, Tensor? mask)
    {
        long b = idx.shape[0], t = idx.shape[1];
        if (positions is not null && (positions.dtype != ScalarType.Int64 || !positions.shape.SequenceEqual([b, t])))
            throw new ArgumentException($"positions must be (B, T) = ({b}, {t}) int64; got {positions.dtype} " +
                $"({string.Join(", ", positions.shape)})", nameof(positions));
        if (mask is not null && (mask.dtype != ScalarType.Bool || mask.dim() != 4 || mask.shape[0] != b || mask.shape[1] != 1 || mask.shape[2] != t))
            throw new ArgumentException($"the attention mask must be (B, 1, T, S) bool with B = {b}, T = {t}; got {mask.dtype} " +
                $"({string.Join(", ", mask.shape)})", nameof(mask));
    }
}
