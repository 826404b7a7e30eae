using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// Global-norm gradient clipping (Pascanu et al. 2013), as PyTorch's <c>clip_grad_norm_</c>: the L2 norm over every
/// gradient taken together, ‖g‖ = √Σᵢ‖gᵢ‖², and when it exceeds the limit every gradient is scaled by
/// limit / (‖g‖ + 10⁻⁶), so the direction is kept and the norm becomes (just under) the limit. Thread-safe per call.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Measures the global norm of the gradients of <paramref name="parameters"/> (those without a gradient are
    /// skipped) and, when <paramref name="maxNorm"/> &gt; 0 and the norm exceeds it, scales them in place.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are measured and scaled.</param>
    /// <param name="maxNorm">The limit; 0 = measure only.</param>
    /// <param name="sumAcrossRanks">Sharded training: each rank holds a disjoint shard of the gradient, so the squared
    /// norm of its shard is summed over the ranks by this (an all-reduce) before the square root; null = one process.</param>
    /// <returns>The norm before clipping (NaN or ∞ when a gradient is not finite; nothing is scaled then).</returns>
    public static double ClipGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm, Func<double, double>? sumAcrossRanks = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = NewDisposeScope();
        return ClipGradients(parameters.Select(p => p.grad).OfType<Tensor>().ToList(), maxNorm, sumAcrossRanks);
    }

    /// <summary>As <see cref="ClipGlobalNorm"/>, on gradient tensors given directly (views included: a sharded
    /// optimizer passes each parameter's segment of its flat shard, so that the norms are taken per parameter as one
    /// process takes them).</summary>
    public static double ClipGradients(IReadOnlyList<Tensor> grads, double maxNorm, Func<double, double>? sumAcrossRanks = null)
    {
        ArgumentNullException.ThrowIfNull(grads);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Per-tensor norms in the gradient's dtype, combined in fp64: the sum of squares of millions of values is where
        // precision would go.
        double sumSquares = 0;
        foreach (var g in grads)
        {
            double n = g.norm().to(ScalarType.Float64).item<double>();
            sumSquares += n * n;
        }
        double total = Math.Sqrt(sumAcrossRanks is null ? sumSquares : sumAcrossRanks(sumSquares));
        if (maxNorm > 0 && double.IsFinite(total) && total > maxNorm)
        {
            double coef = maxNorm / (total + 1e-6); // PyTorch's ε, so a norm at the limit is left (almost) untouched
            foreach (var g in grads) g.mul_(coef);
        }
        return total;
    }
}
