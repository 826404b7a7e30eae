using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with weight decay as an L2 penalty in the gradient — the original formulation and
/// PyTorch's <c>torch.optim.Adam</c>. Per parameter, at step t with gradient g:
/// <code>
/// 1. g ← g + λθ                                   (L2: the decay goes through the adaptive scaling below)
/// 2. m ← β₁m + (1 − β₁)g ;  v ← β₂v + (1 − β₂)g²
/// 3. m̂ = m / (1 − β₁ᵗ) ;    v̂ = v / (1 − β₂ᵗ)
/// 4. AMSGrad (optional): v̂_max ← max(v̂_max, v̂), used in place of v̂
/// 5. θ ← θ − η m̂ / (√v̂ + ε)
/// </code>
/// Because λθ is divided by √v̂ like the rest of the gradient, weights with large gradients are decayed less than
/// weights with small ones: the coupling that Loshchilov &amp; Hutter 2019 remove in <see cref="AdamW"/>.
/// State: <c>exp_avg</c> (m), <c>exp_avg_sq</c> (v), <c>max_exp_avg_sq</c> (with AMSGrad). Not thread-safe.
/// </summary>
public sealed class Adam : OptimizerBase
{
    /// <param name="parameters">The parameters, as one group.</param>
    /// <param name="lr">η.</param>
    /// <param name="beta1">β₁, decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">β₂, decay of the second moment, in [0, 1).</param>
    /// <param name="eps">ε, added to √v̂.</param>
    /// <param name="weightDecay">λ (L2 in the gradient), ≥ 0.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false)
        : this([ParameterGroup.Of(parameters)], lr, beta1, beta2, eps, weightDecay, amsgrad) { }

    /// <summary>Adam over parameter groups, each group's weight decay overriding <paramref name="weightDecay"/>.</summary>
    public Adam(IEnumerable<ParameterGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false)
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
        // 1. L2 penalty folded into the gradient: g ← g + λθ (a new tensor; .grad is left untouched).
        var g = weightDecay != 0 ? grad.add(p, alpha: weightDecay) : grad;
        // 2-5. Moments, bias correction, (AMSGrad), step.
        AdamCore.Apply(p, g, state, lr, Beta1, Beta2, Eps, Amsgrad);
    }
}
