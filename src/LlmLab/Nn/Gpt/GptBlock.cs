using LlmLab.Nn.Moe;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// One pre-norm Transformer block (GPT-2's ordering, Radford et al. 2019 §2.3; Xiong et al. 2020 on why pre-norm trains
/// without warm-up trouble): x ← x + attn(norm₁(x)); x ← x + mlp(norm₂(x)). The residual stream is never normalised
/// itself, so gradients reach early layers through the identity path. With <c>num_local_experts</c> set, the MLP is a
/// <see cref="MoeFeedForward"/> (parameters <c>moe.*</c> instead of <c>mlp.*</c>). Shapes: x (B, T, d).
/// Not thread-safe (a module); dispose it.
/// </summary>
public sealed class GptBlock : nn.Module
{
    readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    readonly CausalSelfAttention attn;
    readonly GptMlp? mlp;   // dense
    readonly MoeFeedForward? moe; // Mixture-of-Experts

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public GptBlock(GptConfig config, Device? device = null) : base(nameof(GptBlock))
    {
        ln_1 = CreateNorm(config, device);
        attn = new CausalSelfAttention(config, device);
        ln_2 = CreateNorm(config, device);
        if (config.IsMixtureOfExperts) moe = new MoeFeedForward(config, device);
        else mlp = new GptMlp(config, device);
        RegisterComponents();
    }

    /// <summary>The Mixture-of-Experts layer, or null when the block is dense.</summary>
    public MoeFeedForward? Experts => moe;

    /// <summary>x (B, T, d) → (B, T, d), a new tensor; the arguments as <see cref="CausalSelfAttention.Forward"/>.</summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope, IKvCache? cache, int layer, TokenPositions at) =>
        Forward(x, rope, cache, layer, at, out _);

    /// <summary>As <see cref="Forward(Tensor, RotaryEmbedding?, IKvCache?, int, TokenPositions)"/>, with the MoE layer's weighted
    /// auxiliary loss (a scalar the caller owns; null for a dense block).</summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope, IKvCache? cache, int layer, TokenPositions at, out Tensor? auxLoss)
    {
        using var scope = NewDisposeScope();
        x = x + attn.Forward(ln_1.call(x), rope, cache, layer, at);
        auxLoss = null;
        if (moe is null) x = x + mlp!.call(ln_2.call(x));
        else
        {
            var (y, aux) = moe.Forward(ln_2.call(x));
            x = x + y;
            auxLoss = aux.MoveToOuterDisposeScope();
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The configured norm over d channels: libtorch's LayerNorm (with a bias when the config has biases) or
    /// <see cref="RmsNorm"/>.</summary>
    internal static nn.Module<Tensor, Tensor> CreateNorm(GptConfig config, Device? device) => config.Norm == NormalizationKind.RmsNorm
        ? new RmsNorm(config.Width, config.NormEps, device)
        : nn.LayerNorm(config.Width, config.NormEps, bias: config.Bias, device: device);
}
