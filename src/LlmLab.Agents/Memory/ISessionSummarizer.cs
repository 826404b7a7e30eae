namespace LlmLab.Agents.Memory;

/// <summary>Writes the summary of a span of messages (an old session, or turns evicted from a full context).
/// Implementations are thread-safe.</summary>
public interface ISessionSummarizer
{
    /// <summary>A summary of <paramref name="messages"/> (in order) in at most about <paramref name="maxWords"/> words.</summary>
    Task<string> SummarizeAsync(IReadOnlyList<MemoryRecord> messages, int maxWords, CancellationToken cancellationToken = default);
}
