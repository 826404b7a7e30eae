using Microsoft.Extensions.AI;

namespace LlmLab.Monitoring.Caching;

/// <summary>
/// The semantic response cache (GPTCache's idea, Bang 2023): an earlier reply is served when the new question's embedding
/// has cosine similarity ≥ <see cref="ResponseCacheOptions.SemanticThreshold"/> with the question it answered. Only
/// questions of the same partition compare (<see cref="CachedPrompt.PartitionKey"/>: same API-key scope, model,
/// parameters and earlier turns), so one key never receives another's answer and a conversation's context is never
/// mixed up. Lookups scan the partition exactly (no approximate index: the size bound keeps a scan to a few thousand
/// dot products, and an exact scan has no recall loss to account for in lab 10.3's false-hit figures).
/// Entries stay in this process: Redis 7.0 (Debian 12's) has no vector search, so each server instance keeps its own
/// semantic entries while the exact cache is shared (docs/part-10.md). The embedding model is any
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (the CLI and the lab give lab 8.1's MiniLM). Thread-safe.
/// </summary>
public sealed class SemanticResponseCache
{
    sealed record Entry(string Key, string Partition, float[] Vector, CachedResponse Response);

    readonly IEmbeddingGenerator<string, Embedding<float>> _embedder;
    readonly TimeProvider _time;
    readonly LruIndex<string> _lru;
    readonly Dictionary<string, Dictionary<string, Entry>> _partitions = [];   // partition → exact key → entry
    readonly Lock _lock = new();
    long _hits, _misses;

    /// <param name="embedder">Embeds questions (not owned).</param>
    /// <param name="options">Threshold, TTL, size, temperature policy (validated).</param>
    /// <param name="time">The clock (null: the system's).</param>
    public SemanticResponseCache(IEmbeddingGenerator<string, Embedding<float>> embedder, ResponseCacheOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_embedder, Options, _time) = (embedder, options, time ?? TimeProvider.System);
        _lru = new LruIndex<string>(options.MaxEntries);
    }

    public ResponseCacheOptions Options { get; }

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    public int Count => _lru.Count;

    /// <summary>True when a reply to <paramref name="prompt"/> may be stored and served (see <see cref="ExactResponseCache.IsCacheable"/>).</summary>
    public bool IsCacheable(CachedPrompt prompt) => Options.Admits(prompt);

    /// <summary>Embeds the prompt's last message and finds the most similar live entry of its partition; null for an
    /// uncacheable prompt (nothing is embedded then).</summary>
    /// <param name="threshold">Overrides the options' threshold for this lookup (lab 10.3 sweeps it); must be in [0, 1].</param>
    /// <param name="ct">Cancels the embedding.</param>
    /// <param name="prompt">The request (its last message is embedded).</param>
    public async Task<SemanticLookup?> LookupAsync(CachedPrompt prompt, double? threshold = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (!IsCacheable(prompt)) return null;
        double t = threshold ?? Options.SemanticThreshold;
        if (threshold is not null) (Options with { SemanticThreshold = t }).Validate();
        var vector = await EmbedAsync(prompt.QueryText, ct).ConfigureAwait(false);
        string partition = prompt.PartitionKey();
        var now = _time.GetUtcNow();
        Entry? best = null;
        double bestSim = double.NaN;
        var expired = new List<Entry>();
        lock (_lock)
        {
            if (_partitions.TryGetValue(partition, out var entries))
                foreach (var e in entries.Values)
                {
                    if (e.Response.ExpiresAt <= now) { expired.Add(e); continue; }
                    double sim = Dot(vector, e.Vector);
                    if (best is null || sim > bestSim) (best, bestSim) = (e, sim);
                }
            foreach (var e in expired) RemoveLocked(e.Key, e.Partition);
        }
        foreach (var e in expired) _lru.Remove(e.Key);
        bool hit = best is not null && bestSim >= t;
        if (hit) Evict(_lru.Touch(best!.Key));
        if (hit) Interlocked.Increment(ref _hits);
        else Interlocked.Increment(ref _misses);
        return new SemanticLookup(prompt, vector, best?.Response, bestSim, hit);
    }

    /// <summary>Stores the reply to a looked-up prompt (its embedding is reused); returns the entry, or null when uncacheable.</summary>
    public CachedResponse? Add(SemanticLookup lookup, string body, int promptTokens, int completionTokens, double cost)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(body);
        var prompt = lookup.Prompt;
        if (!IsCacheable(prompt)) return null;
        var response = new CachedResponse(body, prompt.QueryText, promptTokens, completionTokens, cost, _time.GetUtcNow() + Options.Ttl);
        var entry = new Entry(prompt.ExactKey(), prompt.PartitionKey(), lookup.Vector, response);
        lock (_lock)
        {
            if (!_partitions.TryGetValue(entry.Partition, out var entries)) _partitions[entry.Partition] = entries = [];
            entries[entry.Key] = entry;
        }
        Evict(_lru.Touch(entry.Key));
        return response;
    }

    void Evict(List<string> keys)
    {
        if (keys.Count == 0) return;
        lock (_lock)
            foreach (var k in keys)
                foreach (var (partition, entries) in _partitions)
                    if (entries.ContainsKey(k)) { RemoveLocked(k, partition); break; }
    }

    void RemoveLocked(string key, string partition)
    {
        if (!_partitions.TryGetValue(partition, out var entries)) return;
        entries.Remove(key);
        if (entries.Count == 0) _partitions.Remove(partition);
    }

    async Task<float[]> EmbedAsync(string text, CancellationToken ct)
    {
        var result = await _embedder.GenerateAsync([text], cancellationToken: ct).ConfigureAwait(false);
        var v = result[0].Vector.ToArray();
        double norm = Math.Sqrt(Dot(v, v));
        if (norm == 0 || double.IsNaN(norm)) throw new InvalidOperationException("the embedding model returned a zero vector");
        for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] / norm);
        return v;
    }

    // A local dot product: LlmLab.Retrieval's VectorMath is out of reach of the core library (it carries ONNX Runtime).
    static double Dot(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"embeddings of {a.Length} and {b.Length} dimensions: one model per cache");
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
