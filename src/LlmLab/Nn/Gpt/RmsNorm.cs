using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// RMSNorm (Zhang &amp; Sennrich 2019, "Root Mean Square Layer Normalization"; Llama): y = x / √(mean(x²) + ε) · g over
/// the last dimension, with a learned gain g (initialised to 1) and no mean subtraction or bias, so it is cheaper than
/// LayerNorm and invariant to rescaling x. Computed in fp32 and cast back, as Llama does, so that half-precision inputs
/// do not lose the small mean square. Not thread-safe (a module); dispose it.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly double _eps;

    /// <param name="width">d, the size of the last dimension.</param>
    /// <param name="eps">ε, added to the mean square before the square root (guards against division by zero).</param>
    /// <param name="device">Where the gain lives (default: libtorch's default device).</param>
    public RmsNorm(long width, double eps = 1e-5, Device? device = null) : base(nameof(RmsNorm))
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), $"width must be >= 1 (got {width})");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be > 0 (got {eps})");
        _eps = eps;
        weight = new Parameter(ones(width, device: device));
        RegisterComponents();
    }

    // Named as libtorch names a norm's gain, so that state dicts read "….weight".
    readonly Parameter weight;

    /// <summary>g, the per-channel gain (d).</summary>
    public Parameter Weight => weight;

    /// <summary>x (…, d) → y (…, d), a new tensor.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var rms = xf.pow(2).mean([-1], keepdim: true).add(_eps).rsqrt(); // (…, 1): 1 / √(mean(x²) + ε)
        return xf.mul(rms).to(x.dtype).mul(weight).MoveToOuterDisposeScope();
    }
}
