using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// The moment estimates and the step that Adam and AdamW share (Kingma &amp; Ba 2015, Algorithm 1; AMSGrad from
/// Reddi et al. 2018 in PyTorch's bias-corrected form). Weight decay is the caller's business: that is the whole
/// difference between <see cref="Adam"/> and <see cref="AdamW"/>.
/// </summary>
internal static class AdamCore
{
    /// <summary>Checks β₁, β₂ ∈ [0, 1) and ε ≥ 0, naming the one that is out of range.</summary>
    internal static void Validate(double beta1, double beta2, double eps)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), $"beta1 must be in [0, 1) (got {beta1})");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), $"beta2 must be in [0, 1) (got {beta2})");
        if (!(eps >= 0 && double.IsFinite(eps)))
            throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be a finite value >= 0 (got {eps})");
    }

    /// <summary>Creates the zero moments of a parameter (eagerly, so a checkpoint can be loaded into them).</summary>
    internal static void Init(Parameter p, ParameterState state, bool amsgrad)
    {
        state.Set("exp_avg", zeros_like(p));
        state.Set("exp_avg_sq", zeros_like(p));
        if (amsgrad) state.Set("max_exp_avg_sq", zeros_like(p));
    }

    /// <summary>Steps 2-5 of Adam on parameter <paramref name="p"/> with gradient <paramref name="g"/> (already holding
    /// any L2 term), at step t = <paramref name="state"/>.Step.</summary>
    internal static void Apply(Parameter p, Tensor g, ParameterState state, double lr, double beta1, double beta2, double eps, bool amsgrad)
    {
        long t = state.Step;
        var m = state.Get("exp_avg")!;
        var v = state.Get("exp_avg_sq")!;

        // 2. Biased moment estimates, in place: m ← β₁m + (1 − β₁)g ;  v ← β₂v + (1 − β₂)g².
        m.mul_(beta1).add_(g, alpha: 1 - beta1);
        v.mul_(beta2).addcmul_(g, g, value: 1 - beta2);

        // 3. Bias corrections for the zero initialisation: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ).
        double bc1 = 1 - Math.Pow(beta1, t);
        double bc2 = 1 - Math.Pow(beta2, t);

        // 4. AMSGrad keeps the largest v seen and divides by it, so the effective step size never grows back.
        var vUsed = v;
        if (amsgrad)
        {
            var vMax = state.Get("max_exp_avg_sq")!;
            vMax.copy_(maximum(vMax, v));
            vUsed = vMax;
        }

        // 5. θ ← θ − η m̂ / (√v̂ + ε), computed as PyTorch does it (same algebra, same rounding):
        //    denominator √v / √(1 − β₂ᵗ) + ε, step size η / (1 − β₁ᵗ).
        var denom = (vUsed.sqrt() / Math.Sqrt(bc2)).add_(eps);
        p.addcdiv_(m, denom, value: -lr / bc1);
    }
}
