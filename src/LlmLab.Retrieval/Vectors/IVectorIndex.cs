namespace LlmLab.Retrieval.Vectors;

/// <summary>
/// A nearest-neighbour index over vectors keyed by <see cref="long"/>, scored by cosine similarity (higher is
/// nearer). Implementations: <see cref="HnswIndex"/> (ours), <see cref="ExactIndex"/> (brute force, the reference
/// for recall) and <see cref="USearchVectorIndex"/> (the USearch peer).
/// </summary>
public interface IVectorIndex
{
    /// <summary>Width of every vector.</summary>
    int Dimensions { get; }

    /// <summary>Live (not deleted) vectors.</summary>
    int Count { get; }

    /// <summary>Adds a vector, or replaces the vector stored under <paramref name="key"/>.</summary>
    void Add(long key, ReadOnlySpan<float> vector);

    /// <summary>Deletes a key; false when absent.</summary>
    bool Remove(long key);

    /// <summary>Up to <paramref name="k"/> nearest keys with cosine similarity, best first; <paramref name="filter"/> keeps a key when
    /// true.</summary>
    List<(long Key, float Score)> Search(ReadOnlySpan<float> query, int k, Func<long, bool>? filter = null);
}
