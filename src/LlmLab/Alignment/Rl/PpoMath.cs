using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// The pieces of PPO for language models as InstructGPT and TRL's PPOTrainer compute them (Schulman et al. 2017; Ouyang
/// et al. 2022; Huang et al. 2024, "The N+ implementation details of RLHF with PPO"). Shapes: B rows, T positions; a
/// (B, T) bool <c>mask</c> marks the response tokens (everything else is ignored). Pure functions returning new tensors
/// in the caller's scope. Thread-safe.
/// </summary>
public static class PpoMath
{
    /// <summary>
    /// Generalised advantage estimation (Schulman et al. 2016, eq. 16), right to left over each row:
    /// δ_t = r_t + γ·V_{t+1} − V_t, A_t = δ_t + γλ·A_{t+1}, with V and r taken as 0 outside the mask (so the value after
    /// the last response token is 0: the episode ends there). Returns R_t = A_t + V_t (the value targets). Both are 0
    /// outside the mask.
    /// </summary>
    public static (Tensor Advantages, Tensor Returns) Gae(Tensor rewards, Tensor values, Tensor mask, double gamma, double lambda)
    {
        using var scope = NewDisposeScope();
        var m = mask.to(values.dtype);
        var v = values * m;
        var r = rewards * m;
        long t = v.shape[1];
        var last = zeros_like(v.select(1, 0));                                         // (B)
        var columns = new Tensor[t];
        for (long i = t - 1; i >= 0; i--)
        {
            var next = i + 1 < t ? v.select(1, i + 1) : zeros_like(last);
            var delta = r.select(1, i) + gamma * next - v.select(1, i);
            last = delta + gamma * lambda * last;
            columns[i] = last;
        }
        var advantages = stack(columns, 1) * m;                                        // (B, T)
        return (advantages.MoveToOuterDisposeScope(), ((advantages + v) * m).MoveToOuterDisposeScope());
    }

    /// <summary>(x − mean) / sqrt(var + 1e-8) over the masked elements (unbiased variance, as TRL's masked_whiten);
    /// 0 outside the mask.</summary>
    public static Tensor Whiten(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var m = mask.to(x.dtype);
        var n = m.sum();
        var mean = (x * m).sum() / n;
        var variance = ((x - mean).pow(2) * m).sum() / (n - 1).clamp_min(1);
        return ((x - mean) * rsqrt(variance + 1e-8) * m).MoveToOuterDisposeScope();
    }

    /// <summary>Per-token KL estimate of π against π_ref from the sampled tokens' log-probabilities (<see cref="KlEstimator"/>).</summary>
    public static Tensor Kl(Tensor logp, Tensor refLogp, KlEstimator estimator)
    {
        using var scope = NewDisposeScope();
        var logRatio = refLogp - logp;                                                 // log r = log π_ref − log π
        var k = estimator == KlEstimator.K3 ? logRatio.exp() - 1 - logRatio : -logRatio;
        return k.MoveToOuterDisposeScope();
    }

    /// <summary>PPO's clipped surrogate objective per token (to be maximised): min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A) for the
    /// probability ratio ρ = π/π_old. Its gradient in ρ is A, except where the clip is active on the advantage's side
    /// (A &gt; 0 and ρ &gt; 1 + ε, or A &lt; 0 and ρ &lt; 1 − ε), where it is 0.</summary>
    public static Tensor ClippedSurrogate(Tensor ratio, Tensor advantages, double clip) =>
        minimum(ratio * advantages, ratio.clamp(1 - clip, 1 + clip) * advantages);

    /// <summary>The policy loss −mean_mask(clipped surrogate) from new and old log-probabilities, with the share of masked
    /// tokens where the clip was active (TRL's clipfrac).</summary>
    public static (Tensor Loss, Tensor ClipFraction) PolicyLoss(Tensor logp, Tensor oldLogp, Tensor advantages, Tensor mask, double clip)
    {
        using var scope = NewDisposeScope();
        var ratio = (logp - oldLogp).exp();
        var objective = ClippedSurrogate(ratio, advantages, clip);
        var loss = -MaskedMean(objective, mask);
        using var noGrad = no_grad();
        var clipped = ((ratio * advantages) > (ratio.clamp(1 - clip, 1 + clip) * advantages)).to(logp.dtype);
        return (loss.MoveToOuterDisposeScope(), MaskedMean(clipped, mask).MoveToOuterDisposeScope());
    }

    /// <summary>The clipped value loss ½·mean_mask(max((V − R)², (V_clip − R)²)) with V_clip = V_old + clip(V − V_old, ±ε_v)
    /// (PPO2 / TRL's cliprange_value).</summary>
    public static Tensor ValueLoss(Tensor values, Tensor oldValues, Tensor returns, Tensor mask, double clip)
    {
        using var scope = NewDisposeScope();
        var clipped = oldValues + (values - oldValues).clamp(-clip, clip);
        var loss = 0.5 * MaskedMean(maximum((values - returns).pow(2), (clipped - returns).pow(2)), mask);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Mean of <paramref name="x"/> over the masked elements.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask)
    {
        var m = mask.to(x.dtype);
        return (x * m).sum() / m.sum().clamp_min(1);
    }
}
