using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LlmLab.Monitoring.Caching;
using LlmLab.Server;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace LlmLab.Tests.Server;

public sealed class ResponseCacheServerTests
{
    const string OtherKey = "sk-other-0123456789abcdef012";

    static IDistributedCache Memory() => new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));

    static string Chat(string question, double temperature = 0) =>
        $$"""{"messages":[{"role":"user","content":"{{question}}"}],"max_tokens":6,"temperature":{{temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";

    static async Task<(HttpResponseMessage Response, JsonObject Body)> Post(HttpClient http, string json)
    {
        var r = await http.PostAsync("/v1/chat/completions", TestServer.Json(json));
        return (r, JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject());
    }

    static string? CacheHeader(HttpResponseMessage r) => r.Headers.TryGetValues("X-LlmLab-Cache", out var v) ? v.Single() : null;

    static string Text(JsonObject body) => body["choices"]![0]!["message"]!["content"]!.GetValue<string>();

    [Fact]
    public async Task Exact_cache_answers_a_repeat_per_key_and_never_a_sampled_request()
    {
        var cache = new ServerResponseCache(CacheKind.Exact, Memory(), new ResponseCacheOptions());
        await using var server = await TestServer.StartAsync(o => o with { Cache = cache, ApiKeys = ApiKeyStore.FromKeys([TestServer.Key, OtherKey]) });
        using var http = server.Client();
        var (first, a) = await Post(http, Chat("hello there"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Null(CacheHeader(first));
        var (second, b) = await Post(http, Chat("  hello   there "));
        Assert.Equal("exact", CacheHeader(second));
        Assert.Equal(Text(a), Text(b));
        Assert.NotEqual(a["id"]!.GetValue<string>(), b["id"]!.GetValue<string>());
        using var other = server.Client(OtherKey);
        var (isolated, _) = await Post(other, Chat("hello there"));
        Assert.Null(CacheHeader(isolated));                                            // another key: its own scope
        var (changed, _) = await Post(http, Chat("hello there").Replace("\"max_tokens\":6", "\"max_tokens\":5", StringComparison.Ordinal));
        Assert.Null(CacheHeader(changed));                                             // another parameter: another key
        await Post(http, Chat("sampled", 0.7));
        var (sampled, _) = await Post(http, Chat("sampled", 0.7));
        Assert.Null(CacheHeader(sampled));
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("llmlab_cache_hits_total{kind=\"exact\"", metrics);
        Assert.Matches("llmlab_cache_hits_total\\{kind=\"exact\"[^}]*\\} 1", metrics);
    }

    [Fact]
    public void Two_keys_with_one_id_are_refused_since_the_id_scopes_the_cache()
    {
        // A birthday search over 32-bit ids: a clash comes after ~2^16 keys.
        var seen = new Dictionary<string, string>();
        string a, b;
        for (int i = 0; ; i++)
        {
            string key = $"sk-clash-search-{i:D8}";
            string id = ApiKeyStore.KeyId(key);
            if (seen.TryGetValue(id, out var other)) { (a, b) = (other, key); break; }
            seen[id] = key;
        }
        var e = Assert.Throws<InputException>(() => ApiKeyStore.FromKeys([a, b]));
        Assert.Contains("share the id", e.Message);
        Assert.Equal(1, ApiKeyStore.FromKeys([a, a]).Count);                            // the same key twice is one key
    }

    [Fact]
    public async Task Semantic_cache_serves_a_close_question_and_says_so()
    {
        var cache = new ServerResponseCache(CacheKind.Semantic, Memory(), new ResponseCacheOptions { SemanticThreshold = 0.7 }, new Trigrams());
        await using var server = await TestServer.StartAsync(o => o with { Cache = cache });
        using var http = server.Client();
        var (_, a) = await Post(http, Chat("what is the capital of france"));
        var (close, b) = await Post(http, Chat("what is the capital of france?"));
        Assert.Equal("semantic", CacheHeader(close));
        Assert.Equal(Text(a), Text(b));
        var (far, _) = await Post(http, Chat("reverse the word garden"));
        Assert.Null(CacheHeader(far));
    }

    [Fact]
    public async Task Two_server_instances_share_one_exact_cache_through_a_real_redis()
    {
        await using var redis = await RedisProcess.StartAsync();
        var (storeA, connA) = RedisResponseStore.Connect(redis.Address);
        var (storeB, connB) = RedisResponseStore.Connect(redis.Address);
        using (connA)
        using (connB)
        {
            await using var a = await TestServer.StartAsync(o => o with { Cache = new ServerResponseCache(CacheKind.Exact, storeA, new ResponseCacheOptions()) });
            await using var b = await TestServer.StartAsync(o => o with { Cache = new ServerResponseCache(CacheKind.Exact, storeB, new ResponseCacheOptions()) });
            using var ha = a.Client();
            using var hb = b.Client();
            var (first, fromA) = await Post(ha, Chat("shared question"));
            Assert.Null(CacheHeader(first));
            var (second, fromB) = await Post(hb, Chat("shared question"));
            Assert.Equal("exact", CacheHeader(second));
            Assert.Equal(Text(fromA), Text(fromB));
        }
    }

    /// <summary>A real redis-server on a free loopback port, in a temporary directory, without persistence; killed on dispose.</summary>
    sealed class RedisProcess : IAsyncDisposable
    {
        readonly Process _process;
        readonly DirectoryInfo _dir;

        RedisProcess(Process p, DirectoryInfo dir, int port) => (_process, _dir, Address) = (p, dir, $"127.0.0.1:{port}");

        public string Address { get; }

        public static async Task<RedisProcess> StartAsync()
        {
            string? exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
            Assert.True(exe is not null, "redis-server is not installed: apt-get install redis-server (Debian package redis-server; .ci/run installs it)");
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var dir = Directory.CreateTempSubdirectory("llmlab-redis-");
            var p = Process.Start(new ProcessStartInfo(exe!, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1", "--dir", dir.FullName, "--save", "", "--appendonly", "no"])
                { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var redis = new RedisProcess(p, dir, port);
            for (int i = 0; i < 100; i++)
            {
                try { using var c = new TcpClient(); await c.ConnectAsync(IPAddress.Loopback, port); return redis; }
                catch (SocketException) { await Task.Delay(50); }
            }
            await redis.DisposeAsync();
            throw new InvalidOperationException($"redis-server did not listen on port {port} within 5 s");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
            _dir.Delete(recursive: true);
        }
    }

    /// <summary>Character trigrams hashed into 256 dimensions: close spellings are similar, others not.</summary>
    sealed class Trigrams : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? o = null,
            CancellationToken c = default) => Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v =>
        {
            var e = new float[256];
            for (int i = 0; i + 3 <= v.Length; i++) e[(v[i] * 31 * 31 + v[i + 1] * 31 + v[i + 2]) & 255] += 1;
            return new Embedding<float>(e);
        })));

        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }
}
