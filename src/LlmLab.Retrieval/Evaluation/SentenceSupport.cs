namespace LlmLab.Retrieval.Evaluation;

/// <summary>How one answer sentence is supported by the chunks it cites.</summary>
/// <param name="Sentence">The sentence, without its citations.</param>
/// <param name="Cited">The chunk numbers (1-based) cited for it that name given chunks; empty when it cites none.</param>
/// <param name="TokenRecall">Best share, over the cited chunks, of the sentence's content terms found in the chunk.</param>
/// <param name="Cosine">Best embedding cosine between the sentence and a sentence of a cited chunk; null when no
/// embedder was given.</param>
/// <param name="Supported">Whether a cited chunk supports it (see <see cref="FaithfulnessChecker"/>; for a judge, whether
/// its verdict is <see cref="JudgeVerdict.Supported"/>).</param>
/// <param name="Verdict">The <see cref="ChatFaithfulnessJudge"/>'s verdict; null for the lexical and embedding checker.</param>
/// <param name="JudgeNote">The judge's reply when it could not be parsed, or the error when the call failed (one line).</param>
public sealed record SentenceSupport(string Sentence, IReadOnlyList<int> Cited, double TokenRecall, double? Cosine, bool Supported,
    JudgeVerdict? Verdict = null, string? JudgeNote = null);
