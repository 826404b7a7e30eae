namespace LlmLab.Agents.Memory;

/// <summary>How memories are scored, retrieved and fitted into the context. Immutable.</summary>
/// <param name="K">Memories put into each prompt.</param>
/// <param name="RelevanceWeight">Weight of cosine similarity to the message (Park et al. 2023, "Generative Agents", §4.1:
/// score = α·recency + β·importance + γ·relevance; they weigh all three 1 after min-max scaling. Raw values here, with
/// relevance dominant, because a question about an old fact must still find it).</param>
/// <param name="RecencyWeight">Weight of recency = decay^(hours since the memory).</param>
/// <param name="ImportanceWeight">Weight of the stored importance (0 to 1).</param>
/// <param name="RecencyDecayPerHour">Park et al.'s decay factor, 0.995 per hour.</param>
/// <param name="MinRelevance">Memories less similar than this to the message are never put into a prompt.</param>
/// <param name="ContextTokens">The prompt budget (instructions, memories, summary of evicted turns, recent turns and the
/// new message); when it is exceeded, the oldest half of the session's turns is summarised and evicted (MemGPT, Packer
/// et al. 2023, §2: "memory pressure" triggers a recursive summary).</param>
/// <param name="SummaryWords">Length of a summary.</param>
/// <param name="MaxReplyTokens">Tokens a model may write per reply.</param>
public sealed record MemoryOptions(
    int K = 5,
    double RelevanceWeight = 1.0,
    double RecencyWeight = 0.1,
    double ImportanceWeight = 0.1,
    double RecencyDecayPerHour = 0.995,
    double MinRelevance = 0.15,
    int ContextTokens = 768,
    int SummaryWords = 60,
    int MaxReplyTokens = 128)
{
    /// <summary>Throws <see cref="InputException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (K < 1) throw new InputException($"memory k must be ≥ 1 (got {K})");
        if (RecencyDecayPerHour is <= 0 or > 1) throw new InputException($"recency decay must be in (0, 1] (got {RecencyDecayPerHour})");
        if (ContextTokens < 64) throw new InputException($"context tokens must be ≥ 64 (got {ContextTokens})");
        if (SummaryWords < 5) throw new InputException($"summary words must be ≥ 5 (got {SummaryWords})");
        if (MaxReplyTokens < 1) throw new InputException($"max reply tokens must be ≥ 1 (got {MaxReplyTokens})");
    }
}
