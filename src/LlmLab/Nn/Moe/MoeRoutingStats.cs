namespace LlmLab.Nn.Moe;

/// <summary>
/// What one Mixture-of-Experts layer did in one forward: how many assignments each expert was chosen for and computed,
/// what was dropped, and the two router losses (unweighted). Plain numbers; immutable.
/// </summary>
/// <param name="Tokens">N, tokens routed (B·T).</param>
/// <param name="TopK">k, experts per token.</param>
/// <param name="Routed">Assignments that chose each expert (E), before capacity; Σ = N·k.</param>
/// <param name="Kept">Assignments each expert computed (E).</param>
/// <param name="Capacity">Assignments an expert could take; null = dropless.</param>
/// <param name="TokensFullyDropped">Tokens none of whose choices was computed (they skip the layer).</param>
/// <param name="BalanceLoss">E · Σ fᵢ · Pᵢ (<see cref="MoeLosses.LoadBalancing"/>); 1 when balanced.</param>
/// <param name="ZLoss">mean(logsumexp(router logits)²) (<see cref="MoeLosses.RouterZ"/>).</param>
public sealed record MoeRoutingStats(long Tokens, int TopK, long[] Routed, long[] Kept, long? Capacity, long TokensFullyDropped,
    double BalanceLoss, double ZLoss)
{
    /// <summary>E, experts.</summary>
    public int Experts => Routed.Length;

    /// <summary>N·k routing assignments.</summary>
    public long Assignments => Tokens * TopK;

    /// <summary>Assignments dropped because their expert was full.</summary>
    public long DroppedAssignments => Routed.Sum() - Kept.Sum();

    /// <summary>Coefficient of variation of the experts' load (population standard deviation / mean of
    /// <see cref="Routed"/>): 0 when perfectly balanced, √(E − 1) when one expert takes everything.</summary>
    public double LoadCoefficientOfVariation => ExpertLoad.CoefficientOfVariation(Routed);
}
