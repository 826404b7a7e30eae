namespace LlmLab.Monitoring.Caching;

/// <summary>
/// The outcome of a <see cref="SemanticResponseCache"/> lookup: the best live entry of the prompt's partition and its
/// similarity, whether it reached the threshold, and the query's embedding (kept so that storing the reply afterwards
/// does not embed the question twice). Immutable.
/// </summary>
/// <param name="Prompt">The prompt looked up.</param>
/// <param name="Vector">Its last message's embedding, unit length.</param>
/// <param name="Best">The most similar live entry, or null when the partition is empty.</param>
/// <param name="Similarity">Cosine similarity with <paramref name="Best"/> (NaN without one).</param>
/// <param name="IsHit">True when <paramref name="Best"/> reached the threshold and is served.</param>
public sealed record SemanticLookup(CachedPrompt Prompt, float[] Vector, CachedResponse? Best, double Similarity, bool IsHit)
{
    /// <summary>The entry served, or null on a miss.</summary>
    public CachedResponse? Hit => IsHit ? Best : null;
}
