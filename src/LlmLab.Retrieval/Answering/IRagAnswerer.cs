using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Answering;

/// <summary>Writes an answer with <c>[n]</c> citations from numbered chunks.</summary>
public interface IRagAnswerer
{
    /// <summary>The answer text for <paramref name="question"/> over <paramref name="chunks"/> ([1] is the first).</summary>
    Task<string> AnswerAsync(string question, IReadOnlyList<RetrievedChunk> chunks, CancellationToken cancellationToken = default);
}
