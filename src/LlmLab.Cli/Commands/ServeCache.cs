using LlmLab.Monitoring.Caching;
using LlmLab.Server;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab serve</c>'s response-cache options: <c>--cache exact|semantic</c>, <c>--cache-threshold</c>,
/// <c>--cache-ttl</c> (seconds), <c>--cache-size</c>, <c>--cache-sampled</c> and <c>--cache-redis HOST:PORT</c>.</summary>
internal static class ServeCache
{
    public static readonly string[] OptionNames = ["cache", "cache-threshold", "cache-ttl", "cache-size", "cache-redis"];

    /// <summary>The cache options, validated before anything loads (null without <c>--cache</c>; the other flags need it).</summary>
    public static (CacheKind Kind, ResponseCacheOptions Options)? Parse(CliArgs args, CliCommand command)
    {
        var kind = args.Get("cache") switch
        {
            null => CacheKind.None,
            "exact" => CacheKind.Exact,
            "semantic" => CacheKind.Semantic,
            var k => throw new UsageException($"--cache must be exact or semantic (got '{k}')", command),
        };
        if (kind == CacheKind.None)
        {
            if (OptionNames.Skip(1).FirstOrDefault(o => args.Get(o) is not null) is { } stray)
                throw new InputException($"--{stray} needs --cache exact|semantic");
            if (args.Flag("cache-sampled")) throw new InputException("--cache-sampled needs --cache exact|semantic");
            return null;
        }
        if (kind == CacheKind.Exact && args.Get("cache-threshold") is not null)
            throw new InputException("--cache-threshold is the semantic cache's: use it with --cache semantic");
        var options = new ResponseCacheOptions
        {
            Ttl = TimeSpan.FromSeconds(args.GetDouble("cache-ttl", 3600, min: 0.001)),
            MaxEntries = args.GetInt("cache-size", 10_000, min: 1),
            CacheSampled = args.Flag("cache-sampled"),
            SemanticThreshold = args.GetDouble("cache-threshold", new ResponseCacheOptions().SemanticThreshold),
        };
        options.Validate();
        return (kind, options);
    }

    /// <summary>Builds the server's cache (connecting to Redis when asked); <paramref name="owned"/> is what to dispose after the server.</summary>
    public static ServerResponseCache Build(CliArgs args, CacheKind kind, ResponseCacheOptions options,
        Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>? embedder, out IDisposable? owned)
    {
        owned = null;
        IDistributedCache store;
        string name = "memory";
        if (args.Get("cache-redis") is { } redis)
        {
            (store, owned) = RedisResponseStore.Connect(redis);
            name = "redis " + redis;
        }
        else store = new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
        return new ServerResponseCache(kind, store, options, embedder, name);
    }
}
