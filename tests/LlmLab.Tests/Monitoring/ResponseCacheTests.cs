using LlmLab.Monitoring.Caching;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmLab.Tests.Monitoring;

public class ResponseCacheTests
{
    static IDistributedCache Store() => new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));

    static CachedPrompt Q(string text, string scope = "key-a", double temperature = 0, string model = "m", string parameters = "{}") =>
        new(scope, model, [("user", text)], parameters, temperature);

    [Fact]
    public async Task Exact_cache_hits_the_normalised_prompt_and_nothing_else()
    {
        var cache = new ExactResponseCache(Store(), new ResponseCacheOptions());
        await cache.SetAsync(Q("What is 2 + 3?"), "5", 7, 1, 0);
        Assert.Equal("5", (await cache.GetAsync(Q("  What   is 2 +\n3?  ")))?.Body);   // white space only
        Assert.Null(await cache.GetAsync(Q("what is 2 + 3?")));                          // case kept on purpose
        Assert.Null(await cache.GetAsync(Q("What is 2 + 4?")));
        Assert.Null(await cache.GetAsync(Q("What is 2 + 3?", model: "other")));
        Assert.Null(await cache.GetAsync(Q("What is 2 + 3?", parameters: "{\"max_tokens\":5}")));
        Assert.Equal((1, 4), (cache.Hits, cache.Misses));
    }

    [Fact]
    public async Task One_api_key_never_gets_another_keys_answer()
    {
        var store = Store();
        var cache = new ExactResponseCache(store, new ResponseCacheOptions());
        await cache.SetAsync(Q("secret plan?", scope: "key-a"), "A's answer", 3, 3, 0);
        Assert.Null(await cache.GetAsync(Q("secret plan?", scope: "key-b")));
        Assert.Null(await cache.GetAsync(Q("secret plan?", scope: "")));
        Assert.NotNull(await cache.GetAsync(Q("secret plan?", scope: "key-a")));
        var semantic = new SemanticResponseCache(new TableEmbeddings(), new ResponseCacheOptions { SemanticThreshold = 0 });
        var look = (await semantic.LookupAsync(Q("alpha", scope: "key-a")))!;
        semantic.Add(look, "A's answer", 1, 1, 0);
        var other = (await semantic.LookupAsync(Q("alpha", scope: "key-b")))!;
        Assert.False(other.IsHit);
        Assert.Null(other.Best);                                                          // not even compared
        Assert.True((await semantic.LookupAsync(Q("alpha", scope: "key-a")))!.IsHit);
    }

    [Fact]
    public async Task Entries_expire_after_the_ttl_on_the_given_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var o = new ResponseCacheOptions { Ttl = TimeSpan.FromMinutes(10) };
        var cache = new ExactResponseCache(Store(), o, clock);
        var semantic = new SemanticResponseCache(new TableEmbeddings(), o with { SemanticThreshold = 0.5 }, clock);
        await cache.SetAsync(Q("q"), "a", 1, 1, 0);
        semantic.Add((await semantic.LookupAsync(Q("alpha")))!, "a", 1, 1, 0);
        clock.Advance(TimeSpan.FromMinutes(9.9));
        Assert.NotNull(await cache.GetAsync(Q("q")));
        Assert.True((await semantic.LookupAsync(Q("alpha")))!.IsHit);
        clock.Advance(TimeSpan.FromMinutes(0.1));                                         // exactly the TTL: gone
        Assert.Null(await cache.GetAsync(Q("q")));
        Assert.False((await semantic.LookupAsync(Q("alpha")))!.IsHit);
        Assert.Equal(0, semantic.Count);
    }

    [Fact]
    public async Task The_size_bound_drops_the_least_recently_used()
    {
        var cache = new ExactResponseCache(Store(), new ResponseCacheOptions { MaxEntries = 2 });
        await cache.SetAsync(Q("1"), "one", 1, 1, 0);
        await cache.SetAsync(Q("2"), "two", 1, 1, 0);
        Assert.NotNull(await cache.GetAsync(Q("1")));                                     // 1 is now the most recent
        await cache.SetAsync(Q("3"), "three", 1, 1, 0);                                   // evicts 2
        Assert.Null(await cache.GetAsync(Q("2")));
        Assert.NotNull(await cache.GetAsync(Q("1")));
        Assert.NotNull(await cache.GetAsync(Q("3")));
        Assert.Equal(2, cache.Count);
        var semantic = new SemanticResponseCache(new TableEmbeddings(), new ResponseCacheOptions { MaxEntries = 2, SemanticThreshold = 0.99 });
        foreach (var w in new[] { "alpha", "beta" }) semantic.Add((await semantic.LookupAsync(Q(w)))!, w, 1, 1, 0);
        Assert.True((await semantic.LookupAsync(Q("alpha")))!.IsHit);
        semantic.Add((await semantic.LookupAsync(Q("gamma")))!, "gamma", 1, 1, 0);      // evicts beta
        Assert.False((await semantic.LookupAsync(Q("beta")))!.IsHit);
        Assert.True((await semantic.LookupAsync(Q("alpha")))!.IsHit);
        Assert.Equal(2, semantic.Count);
    }

    [Fact]
    public async Task Sampled_replies_are_not_cached_unless_asked()
    {
        var cache = new ExactResponseCache(Store(), new ResponseCacheOptions());
        Assert.Null(await cache.SetAsync(Q("q", temperature: 0.7), "a", 1, 1, 0));
        Assert.Null(await cache.GetAsync(Q("q", temperature: 0.7)));
        Assert.Equal(0, cache.Misses);                                                    // not even looked up
        var semantic = new SemanticResponseCache(new TableEmbeddings(), new ResponseCacheOptions());
        Assert.Null(await semantic.LookupAsync(Q("alpha", temperature: 1)));
        var allowed = new ExactResponseCache(Store(), new ResponseCacheOptions { CacheSampled = true });
        await allowed.SetAsync(Q("q", temperature: 0.7), "a", 1, 1, 0);
        Assert.Equal("a", (await allowed.GetAsync(Q("q", temperature: 0.7)))?.Body);
        Assert.Null(await allowed.GetAsync(Q("q", temperature: 0.8)));                  // the temperature is in the parameters
    }

    [Fact]
    public async Task Semantic_lookup_serves_the_most_similar_entry_at_or_above_the_threshold()
    {
        var emb = new TableEmbeddings();
        var semantic = new SemanticResponseCache(emb, new ResponseCacheOptions { SemanticThreshold = 0.8 });
        foreach (var w in new[] { "alpha", "beta", "gamma" }) semantic.Add((await semantic.LookupAsync(Q(w)))!, w, 1, 1, 0);
        // Brute force: the cosine of the query with every stored question, the largest wins when ≥ 0.8.
        foreach (var query in new[] { "alpha-ish", "beta-ish", "far" })
        {
            var look = (await semantic.LookupAsync(Q(query)))!;
            var (word, sim) = new[] { "alpha", "beta", "gamma" }.Select(w => (w, TableEmbeddings.Cosine(query, w))).MaxBy(p => p.Item2);
            Assert.Equal(word, look.Best!.Body);
            Assert.Equal(sim, look.Similarity, 6);
            Assert.Equal(sim >= 0.8, look.IsHit);
        }
        Assert.Throws<InputException>(() => semantic.LookupAsync(Q("alpha"), threshold: 1.5).GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void A_threshold_outside_0_1_is_refused_naming_the_flag(double t)
    {
        var e = Assert.Throws<InputException>(() => new ResponseCacheOptions { SemanticThreshold = t }.Validate());
        Assert.Contains("--cache-threshold", e.Message);
        Assert.Contains("[0, 1]", e.Message);
    }

    [Fact]
    public void Keys_do_not_collide_through_separators()
    {
        var a = new CachedPrompt("s", "m", [("user", "a"), ("user", "b")], "", 0);
        var b = new CachedPrompt("s", "m", [("user", "a\", \"user\", \"b")], "", 0);
        Assert.NotEqual(a.ExactKey(), b.ExactKey());
        Assert.Equal(a.PartitionKey(), new CachedPrompt("s", "m", [("user", "a"), ("user", "zzz")], "", 0).PartitionKey());
        Assert.NotEqual(a.PartitionKey(), new CachedPrompt("s", "m", [("user", "A"), ("user", "b")], "", 0).PartitionKey());
    }

    /// <summary>Fixed 3-dimensional embeddings, so that similarities are known by hand.</summary>
    sealed class TableEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        static readonly Dictionary<string, float[]> Table = new()
        {
            ["alpha"] = [1, 0, 0], ["beta"] = [0, 1, 0], ["gamma"] = [0, 0, 1],
            ["alpha-ish"] = [0.9f, 0.3f, 0], ["beta-ish"] = [0.2f, 0.7f, 0.6f], ["far"] = [0.5f, 0.5f, 0.5f],
        };

        public static double Cosine(string a, string b)
        {
            var (x, y) = (Table[a], Table[b]);
            double dot = x.Zip(y, (p, q) => (double)p * q).Sum();
            return dot / Math.Sqrt(x.Sum(v => (double)v * v) * y.Sum(v => (double)v * v));
        }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? o = null,
            CancellationToken c = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Table[v]))));

        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }
}
