using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Evaluation;

/// <summary>Scores whether each sentence of an answer is supported by the chunks it cites: the lexical/embedding
/// <see cref="FaithfulnessChecker"/> or an <see cref="ChatFaithfulnessJudge"/> (a chat model asked sentence by sentence).
/// <see cref="FaithfulnessEvaluator"/> offers the judge to Microsoft.Extensions.AI.Evaluation.</summary>
public interface IFaithfulnessChecker
{
    /// <summary>Checks <paramref name="answer"/> against <paramref name="chunks"/> (<c>[n]</c> is <c>chunks[n − 1]</c>).</summary>
    Task<Faithfulness> CheckAsync(string answer, IReadOnlyList<RetrievedChunk> chunks, CancellationToken cancellationToken = default);
}
