using LlmLab.Monitoring.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Prometheus;

namespace LlmLab.Server;

/// <summary>
/// The server's response cache (<c>llmlab serve --cache exact|semantic</c>): the exact cache over an
/// <see cref="IDistributedCache"/> — in process by default, Redis with <c>--cache-redis</c>, so several instances share
/// it — and, for <see cref="CacheKind.Semantic"/>, a semantic cache kept in this instance (Redis 7.0 has no vector
/// search; see docs/part-10.md). Counts <c>llmlab_cache_hits_total{kind}</c> and <c>llmlab_cache_misses_total</c>.
/// Thread-safe. Owns neither the store nor the embedding model.
/// </summary>
public sealed class ServerResponseCache
{
    Counter? _hits, _misses;

    /// <param name="kind">Exact, or semantic (exact first, then similar questions).</param>
    /// <param name="store">The exact cache's store.</param>
    /// <param name="options">TTL, size, threshold, temperature policy.</param>
    /// <param name="embedder">The semantic cache's embedding model (required for <see cref="CacheKind.Semantic"/>).</param>
    /// <param name="storeName">Says where exact entries live ("memory", "redis HOST:PORT") in the start-up line.</param>
    public ServerResponseCache(CacheKind kind, IDistributedCache store, ResponseCacheOptions options,
        IEmbeddingGenerator<string, Embedding<float>>? embedder = null, string storeName = "memory")
    {
        if (kind == CacheKind.None) throw new ArgumentException("a server cache needs kind exact or semantic", nameof(kind));
        Kind = kind;
        StoreName = storeName;
        Exact = new ExactResponseCache(store, options);
        if (kind == CacheKind.Semantic)
            Semantic = new SemanticResponseCache(embedder ?? throw new InputException("--cache semantic needs an embedding model (MiniLM)"), options);
    }

    public CacheKind Kind { get; }
    public string StoreName { get; }
    public ExactResponseCache Exact { get; }
    public SemanticResponseCache? Semantic { get; }

    /// <summary>Registers the counters on the server's registry.</summary>
    public void Register(CollectorRegistry registry)
    {
        var f = Metrics.WithCustomRegistry(registry);
        _hits = f.CreateCounter("llmlab_cache_hits_total", "Completion requests answered from the response cache, by kind (exact, semantic).", "kind");
        _misses = f.CreateCounter("llmlab_cache_misses_total", "Cacheable completion requests the response cache could not answer.");
        _hits.WithLabels("exact");
        if (Semantic is not null) _hits.WithLabels("semantic");
    }

    internal void CountHit(string kind) => _hits?.WithLabels(kind).Inc();
    internal void CountMiss() => _misses?.Inc();
}
