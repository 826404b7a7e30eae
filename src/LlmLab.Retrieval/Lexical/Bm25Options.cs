namespace LlmLab.Retrieval.Lexical;

/// <summary>BM25 parameters (Robertson &amp; Zaragoza 2009, "The Probabilistic Relevance Framework: BM25 and Beyond").</summary>
/// <param name="K1">Term-frequency saturation; 1.2 is Lucene's and Pyserini's default (the paper suggests 1.2–2.0).</param>
/// <param name="B">Length normalisation strength; 0.75 is the paper's and Lucene's default.</param>
/// <param name="LengthNorm">Exact lengths, or Lucene's lossy one-byte norm to reproduce its scores.</param>
public sealed record Bm25Options(double K1 = 1.2, double B = 0.75, Bm25LengthNorm LengthNorm = Bm25LengthNorm.Exact)
{
    /// <summary>Rejects parameters outside the model's range.</summary>
    public void Validate()
    {
        if (!(K1 >= 0)) throw new ArgumentOutOfRangeException(nameof(K1), K1, "k1 must be ≥ 0");
        if (!(B is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(B), B, "b must be in [0, 1]");
    }
}
