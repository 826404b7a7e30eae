namespace LlmLab.Agents.Memory;

/// <summary>Finds facts about the user in a message the user wrote. Implementations are thread-safe.</summary>
public interface IFactExtractor
{
    /// <summary>The facts stated in <paramref name="message"/> (none for a question or small talk).</summary>
    Task<IReadOnlyList<ExtractedFact>> ExtractAsync(string message, CancellationToken cancellationToken = default);
}
