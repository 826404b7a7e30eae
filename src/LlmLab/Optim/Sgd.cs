using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, in PyTorch's
/// formulation (the <c>torch.optim.SGD</c> documentation; momentum after Sutskever et al. 2013, with the learning
/// rate outside the buffer). Per parameter, at step t with gradient g:
/// <code>
/// 1. g ← g + λθ                                  (L2 penalty λ/2·‖θ‖² folded into the gradient)
/// 2. b ← g at t = 1, else b ← μb + (1 − τ)g      (momentum buffer; τ = dampening)
/// 3. g ← g + μb if Nesterov, else g ← b
/// 4. θ ← θ − ηg
/// </code>
/// With μ = 0 it is plain SGD (no buffer). State: <c>momentum_buffer</c>. Not thread-safe.
/// </summary>
public sealed class Sgd : OptimizerBase
{
    /// <param name="parameters">The parameters, as one group.</param>
    /// <param name="lr">η.</param>
    /// <param name="momentum">μ in [0, 1).</param>
    /// <param name="dampening">τ in [0, 1]; must be 0 with Nesterov.</param>
    /// <param name="weightDecay">λ (L2), ≥ 0.</param>
    /// <param name="nesterov">Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    public Sgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false)
        : this([ParameterGroup.Of(parameters)], lr, momentum, dampening, weightDecay, nesterov) { }

    /// <summary>SGD over parameter groups, each group's weight decay overriding <paramref name="weightDecay"/>.</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false)
        : base(groups, lr, weightDecay)
    {
        Momentum = Require("momentum", momentum, 0, 1);
        Dampening = Require("dampening", dampening, 0, 1.0000001);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException(
                $"Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum {momentum}, dampening {dampening})");
        Nesterov = nesterov;
    }

    public double Momentum { get; }
    public double Dampening { get; }
    public bool Nesterov { get; }

    protected override void Update(Parameter p, Tensor grad, ParameterState state, double lr, double weightDecay)
    {
        var g = grad;
        // 1. L2 weight decay in the gradient: g ← g + λθ (a new tensor; the .grad itself is left untouched).
        if (weightDecay != 0) g = g.add(p, alpha: weightDecay);

        if (Momentum != 0)
        {
            var b = state.Get("momentum_buffer");
            if (b is null)
            {
                // 2a. First step: the buffer starts as the gradient itself, b ← g (no (1 − τ) factor, as in PyTorch).
                b = g.clone();
                state.Set("momentum_buffer", b);
            }
            else
            {
                // 2b. b ← μb + (1 − τ)g, in place.
                b.mul_(Momentum).add_(g, alpha: 1 - Dampening);
            }
            // 3. Nesterov looks ahead along the buffer: g ← g + μb; classical momentum steps along the buffer: g ← b.
            g = Nesterov ? g.add(b, alpha: Momentum) : b;
        }

        // 4. θ ← θ − ηg.
        p.add_(g, alpha: -lr);
    }
}
