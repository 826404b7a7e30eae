using System.Globalization;

namespace LlmLab.Monitoring.Caching;

/// <summary>How a response cache keeps entries. Immutable; every default has its reason beside it.</summary>
public sealed record ResponseCacheOptions
{
    /// <summary>How long an entry is served after it was stored.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1); // a model or its prompt template may change: an answer does not live for ever

    /// <summary>The most entries kept (per cache instance); past it the least recently used is dropped.</summary>
    public int MaxEntries { get; init; } = 10_000; // ~10k replies of a few kB: tens of MB, and a semantic scan of 10k × 384 floats is ~1 ms

    /// <summary>Cache replies drawn at temperature &gt; 0 too. Off by default: such a reply is one draw of many, and serving
    /// it again turns a sampled answer into a fixed one (what a caller asking for variety did not ask for).</summary>
    public bool CacheSampled { get; init; }

    /// <summary>The semantic cache's cosine similarity at or above which an earlier question's answer is served.</summary>
    public double SemanticThreshold { get; init; } = 0.95; // lab 10.3 measures the false hits below it on MiniLM: see docs/part-10.md

    /// <summary>The one rule both caches apply: a reply to <paramref name="prompt"/> may be stored and served when it was
    /// asked at temperature 0, or when sampled replies are allowed (<see cref="CacheSampled"/>).</summary>
    public bool Admits(CachedPrompt prompt) => prompt.Temperature <= 0 || CacheSampled;

    /// <exception cref="InputException">A bound out of range, named with its flag.</exception>
    public void Validate()
    {
        if (Ttl <= TimeSpan.Zero)
            throw new InputException($"the cache TTL must be positive (got {Ttl.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s) (--cache-ttl)");
        if (MaxEntries < 1) throw new InputException($"the cache size must be >= 1 entry (got {MaxEntries}) (--cache-size)");
        if (double.IsNaN(SemanticThreshold) || SemanticThreshold is < 0 or > 1)
            throw new InputException("the semantic cache threshold is a cosine similarity in [0, 1] (got " +
                SemanticThreshold.ToString(CultureInfo.InvariantCulture) + ") (--cache-threshold)");
    }
}
