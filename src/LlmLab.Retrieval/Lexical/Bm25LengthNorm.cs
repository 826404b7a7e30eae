namespace LlmLab.Retrieval.Lexical;

/// <summary>How BM25 sees a document's length.</summary>
public enum Bm25LengthNorm
{
    /// <summary>The exact token count (the paper's dl).</summary>
    Exact,

    /// <summary>The length after Lucene 4.8's one-byte norm (<see cref="SmallFloat"/>): matches Lucene's scores exactly.</summary>
    LuceneSmallFloat,
}
