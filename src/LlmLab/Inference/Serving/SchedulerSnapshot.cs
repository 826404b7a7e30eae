namespace LlmLab.Inference.Serving;

/// <summary>The state of a <see cref="BatchScheduler"/> after its latest iteration (for gauges and tests). Immutable.</summary>
/// <param name="Running">Sequences in the running batch.</param>
/// <param name="Waiting">Requests queued and not yet admitted.</param>
/// <param name="KvTokensUsed">Tokens stored in the KV cache over all running sequences.</param>
/// <param name="KvTokensReserved">Tokens the running sequences reserved (prompt + max_tokens each, capped by the context).</param>
/// <param name="KvTokenBudget">The scheduler's KV-cache token budget.</param>
/// <param name="Steps">Model forwards run so far (prefills and decode steps).</param>
/// <param name="MaxBatchSeen">The largest decode batch so far.</param>
public sealed record SchedulerSnapshot(int Running, int Waiting, int KvTokensUsed, int KvTokensReserved, int KvTokenBudget, long Steps, int MaxBatchSeen)
{
    /// <summary>Fraction of the budget holding keys/values now, in [0, 1] (vLLM's <c>kv_cache_usage_perc</c>).</summary>
    public double KvUsage => KvTokenBudget == 0 ? 0 : (double)KvTokensUsed / KvTokenBudget;
}
