using static TorchSharp.torch;

namespace LlmLab.Nn.Moe;

/// <summary>
/// Which routing assignments each expert computes in one forward. Assignment a = n·k + s is token n's s-th choice
/// (token-major, the order of <see cref="MoeRouting.Experts"/> flattened). The kept assignments are listed grouped by
/// expert (expert 0's first), each group in assignment order, so one gather per expert collects its tokens.
/// The tensors belong to the dispose scope current when <see cref="Make"/> ran. Immutable.
/// </summary>
/// <param name="Assignments">Kept assignment ids (M) int64, grouped by expert.</param>
/// <param name="Routed">Assignments that chose each expert (E), before capacity.</param>
/// <param name="Kept">Assignments each expert computes (E): min(routed, capacity).</param>
/// <param name="KeptMask">(N, k) bool: whether token n's s-th choice is computed.</param>
/// <param name="Capacity">Assignments an expert may take; null = dropless.</param>
public sealed record MoeDispatchPlan(Tensor Assignments, long[] Routed, long[] Kept, Tensor KeptMask, long? Capacity)
{
    /// <summary>Assignments dropped because their expert was full: Σ (routed − kept).</summary>
    public long Dropped => Routed.Sum() - Kept.Sum();

    /// <summary>
    /// Capacity of each expert for <paramref name="tokens"/> tokens: ⌈factor · tokens · k / E⌉ (Switch Transformer eq. 3,
    /// with tokens · k assignments in place of tokens so that factor 1 fits a perfectly balanced top-k routing exactly).
    /// </summary>
    public static long CapacityFor(long tokens, int k, int experts, double factor) =>
        (long)Math.Ceiling(factor * tokens * k / experts - 1e-9); // the epsilon keeps an exact product from rounding up

    /// <summary>
    /// Plans the dispatch of <paramref name="experts"/> (N, k) int64 over <paramref name="expertCount"/> experts:
    /// 1. a stable sort of the N·k assignments by expert (one group per expert, earlier tokens first);
    /// 2. with a capacity C, each expert keeps the first C of its group (Switch's first-come priority by token position,
    /// so with one sequence a token's fate never depends on later tokens) and the rest are dropped: a token whose every
    /// choice is dropped gets no expert output and passes through the block on the residual connection alone.
    /// </summary>
    /// <param name="experts">Top-k expert ids (N, k) int64.</param>
    /// <param name="expertCount">E.</param>
    /// <param name="capacity">C, or null for dropless.</param>
    /// <exception cref="ArgumentOutOfRangeException">A capacity below 0.</exception>
    public static MoeDispatchPlan Make(Tensor experts, int expertCount, long? capacity)
    {
        ArgumentNullException.ThrowIfNull(experts);
        if (capacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), $"capacity must be >= 0 or null (got {capacity})");
        using var scope = NewDisposeScope();
        var flat = experts.reshape(-1);                                                    // (N·k)
        var (sortedExperts, order) = flat.sort(dim: 0, descending: false, stable: true);   // (N·k), (N·k)   1.
        long[] routed = flat.bincount(null, expertCount).data<long>().ToArray();       // (E)
        if (capacity is not { } c)
        {
            var all = ones_like(experts, dtype: ScalarType.Bool);                          // (N, k)
            return new MoeDispatchPlan(order.MoveToOuterDisposeScope(), routed, (long[])routed.Clone(), all.MoveToOuterDisposeScope(), null);
        }
        var starts = new long[expertCount];                                               // first position of each group
        for (int e = 1; e < expertCount; e++) starts[e] = starts[e - 1] + routed[e - 1];
        var rank = arange(flat.shape[0], dtype: ScalarType.Int64) - tensor(starts)[sortedExperts]; // (N·k) place in its group  2.
        var keep = rank < c;                                                               // (N·k), sorted order
        var kept = order.masked_select(keep);                                              // (M)
        var mask = zeros(flat.shape[0], dtype: ScalarType.Bool).index_put_(keep, order).view(experts.shape); // (N, k)
        return new MoeDispatchPlan(kept.MoveToOuterDisposeScope(), routed, routed.Select(r => Math.Min(r, c)).ToArray(),
            mask.MoveToOuterDisposeScope(), c);
    }
}
