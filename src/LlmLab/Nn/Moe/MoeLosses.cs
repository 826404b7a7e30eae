using static TorchSharp.torch;

namespace LlmLab.Nn.Moe;

/// <summary>
/// The two router losses of a Mixture-of-Experts layer, as differentiable scalar tensors (fp32) that the caller's
/// dispose scope owns. Pure functions; thread-safe.
/// </summary>
public static class MoeLosses
{
    /// <summary>
    /// Switch Transformer's load-balancing loss without its α (Fedus et al. 2021, eq. 4–6): E · Σᵢ fᵢ · Pᵢ, where fᵢ is
    /// the fraction of the N·k routing assignments that chose expert i (counted before any capacity drops; not
    /// differentiable) and Pᵢ the mean router probability of expert i over the N tokens (differentiable). It is 1 when
    /// both are uniform (1/E each) and E when every token goes to one expert with probability 1.
    /// With k = 1 this is the paper's formula; for k ≥ 2 fᵢ is normalised by N·k so the minimum stays 1 (HF
    /// Transformers' Mixtral divides by N only, giving k times this).
    /// </summary>
    /// <param name="routing">The forward's routing decision.</param>
    public static Tensor LoadBalancing(MoeRouting routing)
    {
        ArgumentNullException.ThrowIfNull(routing);
        int e = routing.ExpertCount;
        using var scope = NewDisposeScope();
        var counts = routing.Experts.reshape(-1).bincount(null, e).to(ScalarType.Float32);  // (E)
        var f = counts / (routing.Tokens * routing.TopK);                                        // (E), Σ = 1
        var meanP = routing.Probabilities.mean([0]);                                             // (E), Σ = 1
        return (e * (f * meanP).sum()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ST-MoE's router z-loss without its β (Zoph et al. 2022, eq. 5): (1/N) Σ_tokens (log Σⱼ exp zⱼ)², which keeps the
    /// router logits small so that the fp32 softmax stays accurate.
    /// </summary>
    /// <param name="logits">Router logits (N, E).</param>
    public static Tensor RouterZ(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = NewDisposeScope();
        var lse = logits.to(ScalarType.Float32).logsumexp(1);   // (N)
        return lse.square().mean().MoveToOuterDisposeScope();
    }
}
