namespace LlmLab.Retrieval.Evaluation;

/// <summary>The faithfulness of one answer: each sentence and whether a chunk it cites supports it.</summary>
/// <param name="Sentences">The answer's sentences in order.</param>
public sealed record Faithfulness(IReadOnlyList<SentenceSupport> Sentences)
{
    /// <summary>Share of sentences supported by a cited chunk; NaN for an answer with no sentence (a refusal). A judge's
    /// unparseable or failed verdicts stay in the denominator: they are not support.</summary>
    public double Score => Sentences.Count == 0 ? double.NaN : (double)Sentences.Count(s => s.Supported) / Sentences.Count;

    /// <summary>Sentences a judge gave <paramref name="verdict"/> (0 for the lexical checker, which gives none).</summary>
    public int Count(JudgeVerdict verdict) => Sentences.Count(s => s.Verdict == verdict);
}
