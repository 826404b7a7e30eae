using LlmLab.Nn.Attention;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// Multi-head causal self-attention written out from its projections (Vaswani et al. 2017, §3.2; nanoGPT's
/// <c>CausalSelfAttention</c>), with grouped-query attention as an option (Ainslie et al. 2023): nh query heads share
/// nkv key/value heads, nh/nkv queries per group. Shapes: B batch, T new tokens, S = cached + new tokens, d = n_embd,
/// nh query heads, nkv key/value heads, hs = d/nh.
/// <list type="number">
/// <item>One fused projection c_attn: x (B, T, d) → [q | k | v], (nh + 2·nkv)·hs channels.</item>
/// <item>Split into heads: q (B, nh, T, hs), k and v (B, nkv, T, hs); rotate q and k by their positions (RoPE).</item>
/// <item>With a KV cache: append k, v and attend over all S stored tokens.</item>
/// <item>GQA: repeat each key/value head nh/nkv times (repeat_interleave), so head i reads group i / (nh/nkv).</item>
/// <item>softmax(q·kᵀ/√hs, causal mask)·v by the configured kernel (naive, tiled or libtorch SDPA).</item>
/// <item>Merge heads (B, T, d) and project back with c_proj; dropout.</item>
/// </list>
/// Not thread-safe (a module); dispose it.
/// </summary>
public sealed class CausalSelfAttention : nn.Module
{
    readonly Linear c_attn, c_proj;
    readonly Dropout resid_dropout;
    readonly GptConfig _config;

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public CausalSelfAttention(GptConfig config, Device? device = null) : base(nameof(CausalSelfAttention))
    {
        _config = config;
        int hs = config.HeadSize;
        c_attn = nn.Linear(config.Width, (config.Heads + 2L * config.KeyValueHeads) * hs, hasBias: config.Bias, device: device);
        c_proj = nn.Linear(config.Width, config.Width, hasBias: config.Bias, device: device);
        resid_dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>
    /// x (B, T, d) → (B, T, d), a new tensor. <paramref name="at"/> says where x's tokens sit (the cache's length, or
    /// per-token positions and a mask); <paramref name="rope"/> is null with learned positions; <paramref name="cache"/>
    /// is null for a plain forward.
    /// </summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope, IKvCache? cache, int layer, TokenPositions at)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        int nh = _config.Heads, nkv = _config.KeyValueHeads, hs = _config.HeadSize;
        var qkv = c_attn.call(x);                                                           // (B, T, (nh + 2·nkv)·hs)   1.
        var parts = qkv.split([nh * hs, nkv * hs, nkv * hs], dim: -1);
        var q = parts[0].view(b, t, nh, hs).transpose(1, 2);                                 // (B, nh, T, hs)            2.
        var k = parts[1].view(b, t, nkv, hs).transpose(1, 2);                                // (B, nkv, T, hs)
        var v = parts[2].view(b, t, nkv, hs).transpose(1, 2);                                // (B, nkv, T, hs)
        if (rope is not null)
        {
            q = at.Positions is null ? rope.Apply(q, at.Offset) : rope.Apply(q, at.Positions);
            k = at.Positions is null ? rope.Apply(k, at.Offset) : rope.Apply(k, at.Positions);
        }
        if (cache is not null) (k, v) = cache.Append(layer, k, v);                          // (B, nkv, S, hs)           3.
        if (nkv != nh)
        {
            k = k.repeat_interleave(nh / nkv, dim: 1);                                       // (B, nh, S, hs)            4.
            v = v.repeat_interleave(nh / nkv, dim: 1);
        }
        var y = at.Mask is null                                                              // (B, nh, T, hs)            5.
            ? AttentionKernels.Compute(_config.Attention, q.contiguous(), k.contiguous(), v.contiguous(), causal: true)
            : AttentionKernels.Masked(_config.Attention, q.contiguous(), k.contiguous(), v.contiguous(), at.Mask);
        y = y.transpose(1, 2).contiguous().view(b, t, nh * hs);                              // (B, T, d)                 6.
        return resid_dropout.call(c_proj.call(y)).MoveToOuterDisposeScope();
    }
}
