using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// One LoRA update for a linear layer W (out × in): ΔW = (α/r)·B·A with A (r × in) and B (out × r), so the layer computes
/// W·x + (α/r)·B·(A·dropout(x)) (Hu et al. 2021, eq. 3). A is initialised like a linear layer (Kaiming-uniform, as
/// PEFT does) and B to zero, so the adapted model starts exactly equal to the base. Shapes: x (…, in). Not thread-safe
/// (a module); dispose it.
/// </summary>
public sealed class LoraAdapter : nn.Module
{
    readonly Parameter lora_A, lora_B;
    readonly Dropout dropout;

    /// <param name="inFeatures">in, the layer's input width.</param>
    /// <param name="outFeatures">out, the layer's output width.</param>
    /// <param name="options">Rank, α, dropout (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated.</param>
    public LoraAdapter(long inFeatures, long outFeatures, LoraOptions options, Device? device = null) : base(nameof(LoraAdapter))
    {
        Scale = options.Scale;
        lora_A = new Parameter(empty(options.Rank, inFeatures, device: device));
        lora_B = new Parameter(zeros(outFeatures, options.Rank, device: device));
        using (no_grad()) nn.init.kaiming_uniform_(lora_A, a: Math.Sqrt(5));
        dropout = nn.Dropout(options.Dropout);
        RegisterComponents();
    }

    /// <summary>α / r.</summary>
    public double Scale { get; }

    /// <summary>A (r × in).</summary>
    public Parameter A => lora_A;

    /// <summary>B (out × r).</summary>
    public Parameter B => lora_B;

    /// <summary>(α/r)·B·A·dropout(x): (…, in) → (…, out), a new tensor.</summary>
    public Tensor Delta(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.linear(dropout.call(x), lora_A);                                 // (…, r)
        return (nn.functional.linear(h, lora_B) * Scale).MoveToOuterDisposeScope();           // (…, out)
    }

    /// <summary>ΔW = (α/r)·B·A (out × in), a new tensor without gradient.</summary>
    public Tensor Update()
    {
        using var noGrad = no_grad();
        return lora_B.matmul(lora_A) * Scale;
    }
}
