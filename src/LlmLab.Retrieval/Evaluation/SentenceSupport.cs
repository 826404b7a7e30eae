namespace LlmLab.Retrieval.Evaluation;

/// <summary>How one answer sentence is supported by the chunks it cites.</summary>
/// <param name="Sentence">The sentence, without its citations.</param>
/// <param name="Cited">The chunk numbers (1-based) cited for it that name given chunks; empty when it cites none.</param>
/// <param name="TokenRecall">Best share, over the cited chunks, of the sentence's content terms found in the chunk.</param>
/// <param name="Cosine">Best embedding cosine between the sentence and a sentence of a cited chunk; null when no
/// embedder was given.</param>
/// <param name="Supported">Whether a cited chunk supports it (see <see cref="FaithfulnessChecker"/>).</param>
public sealed record SentenceSupport(string Sentence, IReadOnlyList<int> Cited, double TokenRecall, double? Cosine, bool Supported);
