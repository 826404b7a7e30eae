using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// AdamW: Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), in PyTorch's
/// <c>torch.optim.AdamW</c> order of operations. Per parameter, at step t with gradient g:
/// <code>
/// 1. θ ← θ − ηλθ = θ(1 − ηλ)                      (decay the weights directly; g is left alone)
/// 2. m ← β₁m + (1 − β₁)g ;  v ← β₂v + (1 − β₂)g²
/// 3. m̂ = m / (1 − β₁ᵗ) ;    v̂ = v / (1 − β₂ᵗ)
/// 4. AMSGrad (optional): v̂_max ← max(v̂_max, v̂), used in place of v̂
/// 5. θ ← θ − η m̂ / (√v̂ + ε)
/// </code>
/// Every weight shrinks by the same factor whatever its gradient history, unlike <see cref="Adam"/>'s L2 term,
/// which is rescaled by 1/√v̂. Note the parameterisation: PyTorch multiplies λ by the whole learning rate η
/// (so the per-step shrink is ηλ), whereas the paper multiplies it by the schedule multiplier only (its λ is
/// independent of the base rate α). Defaults follow PyTorch (λ = 0.01); TorchSharp's own <c>AdamW</c> defaults to
/// λ = 0 — pass every value explicitly when comparing.
/// State: <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> (with AMSGrad). Not thread-safe.
/// </summary>
public sealed class AdamW : OptimizerBase
{
    /// <param name="parameters">The parameters, as one group.</param>
    /// <param name="lr">η.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="eps">ε, added to √v̂.</param>
    /// <param name="weightDecay">λ (decoupled; per-step shrink ηλ), ≥ 0. PyTorch's default 0.01.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 0.01, bool amsgrad = false)
        : this([ParameterGroup.Of(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad) { }

    /// <summary>AdamW over parameter groups, each group's weight decay overriding <paramref name="weightDecay"/>.</summary>
    public AdamW(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                 double weightDecay = 0.01, bool amsgrad = false)
        : base(groups, lr, weightDecay)
    {
        AdamCore.Validate(beta1, beta2, eps);
        (Beta1, Beta2, Eps, Amsgrad) = (beta1, beta2, eps, amsgrad);
        foreach (var (name, p) in Groups.SelectMany(g => g.Parameters)) AdamCore.Init(p, State[name], amsgrad);
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public bool Amsgrad { get; }

    protected override void Update(Parameter p, Tensor grad, ParameterState state, double lr, double weightDecay)
    {
        // 1. Decoupled decay, before the moments and outside the adaptive scaling: θ ← θ(1 − ηλ).
        if (weightDecay != 0) p.mul_(1 - lr * weightDecay);
        // 2-5. Plain Adam on the untouched gradient.
        AdamCore.Apply(p, grad, state, lr, Beta1, Beta2, Eps, Amsgrad);
    }
}
