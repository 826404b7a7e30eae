using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// One pre-norm Transformer block (GPT-2's ordering, Radford et al. 2019 §2.3; Xiong et al. 2020 on why pre-norm trains
/// without warm-up trouble): x ← x + attn(norm₁(x)); x ← x + mlp(norm₂(x)). The residual stream is never normalised
/// itself, so gradients reach early layers through the identity path. Shapes: x (B, T, d).
/// Not thread-safe (a module); dispose it.
/// </summary>
public sealed class GptBlock : nn.Module
{
    readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    readonly CausalSelfAttention attn;
    readonly GptMlp mlp;

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public GptBlock(GptConfig config, Device? device = null) : base(nameof(GptBlock))
    {
        ln_1 = CreateNorm(config, device);
        attn = new CausalSelfAttention(config, device);
        ln_2 = CreateNorm(config, device);
        mlp = new GptMlp(config, device);
        RegisterComponents();
    }

    /// <summary>x (B, T, d) → (B, T, d), a new tensor; the arguments as <see cref="CausalSelfAttention.Forward"/>.</summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope, IKvCache? cache, int layer, TokenPositions at)
    {
        using var scope = NewDisposeScope();
        x = x + attn.Forward(ln_1.call(x), rope, cache, layer, at);
        x = x + mlp.call(ln_2.call(x));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The configured norm over d channels: libtorch's LayerNorm (with a bias when the config has biases) or
    /// <see cref="RmsNorm"/>.</summary>
    internal static nn.Module<Tensor, Tensor> CreateNorm(GptConfig config, Device? device) => config.Norm == NormalizationKind.RmsNorm
        ? new RmsNorm(config.Width, config.NormEps, device)
        : nn.LayerNorm(config.Width, config.NormEps, bias: config.Bias, device: device);
}
