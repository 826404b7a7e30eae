using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;

namespace LlmLab.Monitoring.Caching;

/// <summary>
/// The exact response cache: a reply stored under <see cref="CachedPrompt.ExactKey"/> in any .NET
/// <see cref="IDistributedCache"/> — <see cref="MemoryDistributedCache"/> in process, or Redis so that several server
/// instances share it. Entries carry their own expiry, checked against <see cref="TimeProvider"/> on every read (and
/// given to the store as its absolute expiry too, so Redis drops them by itself). The size bound is an LRU index of
/// the keys this instance stored or served: past <see cref="ResponseCacheOptions.MaxEntries"/> it removes the least
/// recently used from the store. With a shared store each instance bounds what it touched; give Redis its own
/// <c>maxmemory</c> with <c>allkeys-lru</c> for a global bound. Thread-safe.
/// </summary>
public sealed class ExactResponseCache
{
    readonly IDistributedCache _store;
    readonly TimeProvider _time;
    readonly LruIndex<string> _lru;
    long _hits, _misses;

    /// <param name="store">Where entries live (not owned).</param>
    /// <param name="options">TTL, size, temperature policy (validated).</param>
    /// <param name="time">The clock (null: the system's); tests give a fake one.</param>
    public ExactResponseCache(IDistributedCache store, ResponseCacheOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (_store, Options, _time) = (store, options, time ?? TimeProvider.System);
        _lru = new LruIndex<string>(options.MaxEntries);
    }

    public ResponseCacheOptions Options { get; }

    /// <summary>Lookups that found a live entry.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups of cacheable prompts that found none.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Entries this instance holds in its LRU index.</summary>
    public int Count => _lru.Count;

    /// <summary>True when a reply to <paramref name="prompt"/> may be stored and served: temperature 0, or sampled replies allowed.</summary>
    public bool IsCacheable(CachedPrompt prompt) => Options.Admits(prompt);

    /// <summary>The live entry for <paramref name="prompt"/>, or null (never for an uncacheable prompt).</summary>
    public async Task<CachedResponse?> GetAsync(CachedPrompt prompt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (!IsCacheable(prompt)) return null;
        string key = prompt.ExactKey();
        var bytes = await _store.GetAsync(key, ct).ConfigureAwait(false);
        var entry = bytes is null ? null : JsonSerializer.Deserialize<CachedResponse>(bytes);
        if (entry is not null && entry.ExpiresAt <= _time.GetUtcNow())
        {
            await _store.RemoveAsync(key, ct).ConfigureAwait(false);
            entry = null;
        }
        if (entry is null)
        {
            _lru.Remove(key);
            Interlocked.Increment(ref _misses);
            return null;
        }
        await EvictAsync(_lru.Touch(key), ct).ConfigureAwait(false);
        Interlocked.Increment(ref _hits);
        return entry;
    }

    /// <summary>Stores a reply (nothing for an uncacheable prompt); returns the entry with its expiry, or null.</summary>
    public async Task<CachedResponse?> SetAsync(CachedPrompt prompt, string body, int promptTokens, int completionTokens, double cost,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(body);
        if (!IsCacheable(prompt)) return null;
        var entry = new CachedResponse(body, prompt.QueryText, promptTokens, completionTokens, cost, _time.GetUtcNow() + Options.Ttl);
        string key = prompt.ExactKey();
        await _store.SetAsync(key, JsonSerializer.SerializeToUtf8Bytes(entry),
            new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = Options.Ttl }, ct).ConfigureAwait(false);
        await EvictAsync(_lru.Touch(key), ct).ConfigureAwait(false);
        return entry;
    }

    async Task EvictAsync(List<string> keys, CancellationToken ct)
    {
        foreach (var k in keys) await _store.RemoveAsync(k, ct).ConfigureAwait(false);
    }
}
