namespace LlmLab.Monitoring.Caching;

/// <summary>Which lookups a response cache makes (<c>llmlab serve --cache</c>).</summary>
public enum CacheKind
{
    /// <summary>No cache.</summary>
    None,

    /// <summary>The normalised request, exactly (<see cref="ExactResponseCache"/>).</summary>
    Exact,

    /// <summary>Exact first, then the most similar earlier question above a threshold (<see cref="SemanticResponseCache"/>).</summary>
    Semantic,
}
