using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// The position-wise feed-forward layer of a block: with GELU (GPT-2), c_proj(gelu(c_fc(x))); with SwiGLU (Shazeer 2020;
/// Llama), c_proj(silu(c_gate(x)) · c_fc(x)). c_fc and c_gate widen d → I, c_proj narrows I → d; then dropout.
/// GELU is the exact erf form (nanoGPT's nn.GELU()); GPT-2 used the tanh approximation, which differs by &lt; 1e-3.
/// Shapes: x (B, T, d). Not thread-safe (a module); dispose it.
/// </summary>
public sealed class GptMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear c_fc, c_proj;
    readonly Linear? c_gate;
    readonly Dropout dropout;

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public GptMlp(GptConfig config, Device? device = null) : base(nameof(GptMlp))
    {
        int i = config.FeedForwardWidth;
        c_fc = nn.Linear(config.Width, i, hasBias: config.Bias, device: device);
        if (config.Mlp == FeedForwardKind.SwiGlu) c_gate = nn.Linear(config.Width, i, hasBias: config.Bias, device: device);
        c_proj = nn.Linear(i, config.Width, hasBias: config.Bias, device: device);
        dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>x (B, T, d) → (B, T, d), a new tensor.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = c_gate is null
            ? nn.functional.gelu(c_fc.call(x))                            // (B, T, I)
            : nn.functional.silu(c_gate.call(x)) * c_fc.call(x);          // (B, T, I)
        return dropout.call(c_proj.call(h)).MoveToOuterDisposeScope();   // (B, T, d)
    }
}
