using static TorchSharp.torch;

namespace LlmLab.Nn.Attention;

/// <summary>
/// How closely one attention variant reproduces another on the same inputs: the outputs, and the gradients with respect
/// to q, k and v of the scalar Σ(output ⊙ dO) for a random upstream gradient dO (both variants differentiated by
/// autograd, so the tiled kernel's hand-written backward is what is tested). Holds no tensors.
/// </summary>
/// <param name="Label">What was compared (the case or the benchmark point).</param>
/// <param name="Variant">The variant under test.</param>
/// <param name="Reference">The variant it is compared with.</param>
/// <param name="Output">Outputs.</param>
/// <param name="Dq">∂/∂q.</param>
/// <param name="Dk">∂/∂k.</param>
/// <param name="Dv">∂/∂v.</param>
public sealed record AttentionAgreement(string Label, AttentionVariant Variant, AttentionVariant Reference,
    TensorComparison Output, TensorComparison Dq, TensorComparison Dk, TensorComparison Dv)
{
    /// <summary>
    /// "Within 1e-5" in fp32, as the course asks: |Δ| ≤ 1e-5 + 1e-5·|reference|. Ten times the fp32 row of the shared
    /// table (<see cref="TensorComparison.Tolerance.For"/>), because the kernels sum the Tk terms of each row in different
    /// orders and tiles (at Tk = 8,192 a float32 sum's rounding error alone can reach ~1e-6 of the row's magnitude).
    /// </summary>
    public static TensorComparison.Tolerance Fp32Tolerance { get; } = new(1e-5, 1e-5);

    /// <summary>The tolerance for a dtype: <see cref="Fp32Tolerance"/> for float32, the shared table elsewhere.</summary>
    public static TensorComparison.Tolerance ToleranceFor(ScalarType dtype) =>
        dtype == ScalarType.Float32 ? Fp32Tolerance : TensorComparison.Tolerance.For(dtype);

    public bool Passed => Output.Passed && Dq.Passed && Dk.Passed && Dv.Passed;

    /// <summary>The largest |Δ| over output and gradients.</summary>
    public double MaxAbsDiff => new[] { Output.MaxAbsDiff, Dq.MaxAbsDiff, Dk.MaxAbsDiff, Dv.MaxAbsDiff }.Max();

    /// <summary>One line naming the worst element of each of the four comparisons.</summary>
    public string Describe() =>
        $"{Variant} vs {Reference} ({Label}): output {Output.MaxSummary()}; dq {Dq.MaxSummary()}; dk {Dk.MaxSummary()}; dv {Dv.MaxSummary()}";

    /// <summary>Runs both variants forward and backward on the given inputs (not modified) and compares them under
    /// <paramref name="tolerance"/> (default: <see cref="ToleranceFor"/> the inputs' dtype).</summary>
    public static AttentionAgreement Of(string label, AttentionVariant variant, AttentionVariant reference, Tensor q, Tensor k, Tensor v,
                                        bool causal, Tensor upstream, TensorComparison.Tolerance? tolerance = null)
    {
        using var scope = NewDisposeScope();
        var tol = tolerance ?? ToleranceFor(q.dtype);
        var (o, g) = OutputAndGradients(variant, q, k, v, causal, upstream);
        var (oRef, gRef) = OutputAndGradients(reference, q, k, v, causal, upstream);
        return new(label, variant, reference, TensorComparison.Of(o, oRef, tol), TensorComparison.Of(g[0], gRef[0], tol),
            TensorComparison.Of(g[1], gRef[1], tol), TensorComparison.Of(g[2], gRef[2], tol));
    }

    /// <summary>The output and (∂/∂q, ∂/∂k, ∂/∂v) of Σ(output ⊙ upstream); new tensors in the caller's scope.</summary>
    public static (Tensor Output, IList<Tensor> Gradients) OutputAndGradients(AttentionVariant variant, Tensor q, Tensor k, Tensor v,
                                                                              bool causal, Tensor upstream)
    {
        using var enable = enable_grad();
        var qg = q.detach().requires_grad_(true);
        var kg = k.detach().requires_grad_(true);
        var vg = v.detach().requires_grad_(true);
        var o = variant.Run(qg, kg, vg, causal);
        var grads = autograd.grad([o], [qg, kg, vg], [upstream]);
        return (o.detach(), grads);
    }
}
