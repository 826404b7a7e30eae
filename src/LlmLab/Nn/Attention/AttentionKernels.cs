using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// Scaled dot-product attention three ways, all on (B, nh, T, hs) tensors: q (B, nh, Tq, hs), k and v (B, nh, Tk, hs),
/// output (B, nh, Tq, hs). With <c>causal</c>, query i attends to keys j ≤ i + (Tk − Tq) (the queries are the last Tq
/// positions, as in incremental decoding with a KV cache). Inputs are not modified; the result is a new tensor the
/// caller owns. Stateless and thread-safe.
/// </summary>
public static class AttentionKernels
{
    public static Tensor Compute(AttentionKernel kernel, Tensor q, Tensor k, Tensor v, bool causal) => kernel switch
    {
        AttentionKernel.Naive => Naive(q, k, v, causal),
        AttentionKernel.Tiled => TiledAttention.Forward(q, k, v, causal),
        _ => Sdpa(q, k, v, causal),
    };

    /// <summary>
    /// Attention under an explicit mask, <paramref name="visible"/> (B, 1, Tq, Tk) bool (true = the query may attend to
    /// the key; broadcast over heads), for batches whose rows are laid out differently (padding, per-row lengths). The
    /// naive kernel applies it to its score matrix; the others use libtorch's SDPA with the mask (our tiled kernel has no
    /// mask input). Every row must see at least one key.
    /// </summary>
    public static Tensor Masked(AttentionKernel kernel, Tensor q, Tensor k, Tensor v, Tensor visible)
    {
        if (kernel != AttentionKernel.Naive) return nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: visible);
        using var scope = NewDisposeScope();
        var att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.Sqrt(q.shape[^1]));        // (B, nh, Tq, Tk)
        return att.masked_fill(visible.logical_not(), double.NegativeInfinity).softmax(-1).matmul(v).MoveToOuterDisposeScope();
    }

    /// <summary>The textbook form: materialise the (Tq, Tk) score matrix, mask, softmax, multiply by V.</summary>
    public static Tensor Naive(Tensor q, Tensor k, Tensor v, bool causal)
    {
        long tq = q.shape[^2], tk = k.shape[^2];
        if (causal && tq > tk) throw CausalShapeError(q, k); // rows with no visible key would be NaN
        using var scope = NewDisposeScope();
        var att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.Sqrt(q.shape[^1])); // (B, nh, Tq, Tk)
        if (causal)
        {
            var mask = ones(tq, tk, dtype: ScalarType.Bool, device: q.device).tril(tk - tq).logical_not(); // true = hidden
            att = att.masked_fill(mask, double.NegativeInfinity);
        }
        return att.softmax(-1).matmul(v).MoveToOuterDisposeScope(); // (B, nh, Tq, hs)
    }

    /// <summary>libtorch's fused kernel (a flash/memory-efficient kernel where the build has one).</summary>
    public static Tensor Sdpa(Tensor q, Tensor k, Tensor v, bool causal)
    {
        long tq = q.shape[^2], tk = k.shape[^2];
        if (causal && tq > tk) throw CausalShapeError(q, k);
        if (!causal || tq == tk) return nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
        // SDPA's causal flag aligns the mask to the top-left; decoding with a cache needs it bottom-right.
        using var scope = NewDisposeScope();
        var allowed = ones(tq, tk, dtype: ScalarType.Bool, device: q.device).tril(tk - tq);
        return nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: allowed).MoveToOuterDisposeScope();
    }

    /// <summary>Causal attention aligns the Tq queries with the last Tq of the Tk keys, so it needs Tq ≤ Tk.</summary>
    internal static ArgumentException CausalShapeError(Tensor q, Tensor k) => new(
        $"causal attention needs Tq ≤ Tk (the queries are the last Tq of Tk positions); got Tq = {q.shape[^2]}, Tk = {k.shape[^2]}");
}
