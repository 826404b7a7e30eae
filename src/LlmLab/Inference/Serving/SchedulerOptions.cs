namespace LlmLab.Inference.Serving;

/// <summary>
/// The limits and policy of a <see cref="BatchScheduler"/>. Immutable.
/// </summary>
/// <param name="Mode">Continuous (iteration-level) or static (request-level) batching.</param>
/// <param name="MaxRunningSequences">Sequences decoded together at most (vLLM's <c>max_num_seqs</c>; its default is
/// 256 on a GPU — ours is small because a CPU step grows linearly with the batch).</param>
/// <param name="MaxKvTokens">The KV-cache token budget shared by the running sequences. A sequence reserves
/// min(prompt + max_tokens, n_positions) tokens when it is admitted, so the running batch never outgrows the cache and
/// nothing must be preempted (vLLM instead allocates 16-token blocks as it goes and preempts on overflow); null = every
/// slot's full context.</param>
/// <param name="MaxWaiting">Requests allowed to wait at most; past that, <see cref="BatchScheduler.Submit"/> refuses
/// (the server answers 503) instead of letting latency grow without bound.</param>
/// <param name="Seed">Seeds the requests that bring no seed of their own.</param>
public sealed record SchedulerOptions(
    BatchingMode Mode = BatchingMode.Continuous,
    int MaxRunningSequences = 16,
    int? MaxKvTokens = null,
    int MaxWaiting = 1024,
    int Seed = 0)
{
    /// <exception cref="InputException">A limit out of range, named.</exception>
    public void Validate()
    {
        if (MaxRunningSequences is < 1 or > 4096) throw new InputException($"max_running_sequences must be in 1..4096 (got {MaxRunningSequences})");
        if (MaxKvTokens is < 1) throw new InputException($"max_kv_tokens must be >= 1, or absent for every slot's full context (got {MaxKvTokens})");
        if (MaxWaiting < 0) throw new InputException($"max_waiting must be >= 0 (got {MaxWaiting})");
    }
}
