using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmLab.Tests.Server;

/// <summary>Issue 21's fuzz test: 10,000 random and mutated request bodies (wrong types, invalid UTF-8, lone surrogates,
/// huge numbers, deep nesting, random field names, truncation, random bytes) → never a 5xx, the server alive and no
/// sequence slot or KV reservation leaked. Bodies that are valid requests ask for at most 2 tokens, so it runs in
/// well under a minute.</summary>
public sealed class ServerFuzzTests
{
    static readonly string[] Routes = ["/v1/completions", "/v1/chat/completions", "/tokenize", "/detokenize", "/v1/embeddings"];

    /// <summary>The route each seed body is meant for.</summary>
    static readonly int[] SeedRoutes = [0, 0, 1, 1, 1, 2, 3, 4];

    static readonly string[] Seeds =
    [
        """{"model":"llmlab-demo-untrained","prompt":"hello","max_tokens":2,"temperature":0.7,"top_p":0.9,"seed":5,"stop":["x"],"logprobs":2}""",
        """{"prompt":[1,2,3],"max_tokens":1,"n":2,"stream":true,"stream_options":{"include_usage":true},"logit_bias":{"3":-100},"echo":true}""",
        """{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi"}]}],"max_tokens":2,"logprobs":true,"top_logprobs":2}""",
        """{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":2,"response_format":{"type":"json_object"},"stream":true,"top_k":5,"min_p":0.1}""",
        """{"messages":[{"role":"user","content":"x"}],"max_tokens":2,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false}}}}""",
        """{"prompt":"abc","return_token_strs":true}""",
        """{"tokens":[1,2,3]}""",
        """{"input":"abc","model":"x"}""",
    ];

    static JsonNode? RandomValue(Random r, int depth = 0) => r.Next(12) switch
    {
        0 => JsonValue.Create(r.Next(-5, 100)),
        1 => JsonValue.Create(r.NextDouble() * Math.Pow(10, r.Next(-50, 50))),
        2 => JsonValue.Create(long.MaxValue),
        3 => JsonValue.Create(true),
        4 => null,
        5 => JsonValue.Create(new string((char)r.Next(0, 0x3000), r.Next(0, 5))),
        6 => JsonValue.Create("\ud800"),
        7 when depth < 3 => new JsonArray(Enumerable.Range(0, r.Next(0, 3)).Select(_ => RandomValue(r, depth + 1)).ToArray()),
        8 when depth < 3 => new JsonObject { ["type"] = RandomValue(r, depth + 1), ["text"] = RandomValue(r, depth + 1) },
        9 => JsonValue.Create(-1),
        _ => JsonValue.Create("text"),
    };

    /// <summary>A body and its route: a seed mutated, or noise; one in five goes to a random route.</summary>
    static (string Route, byte[] Body) Body(Random r)
    {
        int seed = r.Next(Seeds.Length);
        string route = Routes[r.Next(5) == 0 ? r.Next(Routes.Length) : SeedRoutes[seed]];
        return (route, Mutate(r, seed));
    }

    static byte[] Mutate(Random r, int seed)
    {
        int kind = r.Next(10);
        if (kind == 0) return Enumerable.Range(0, r.Next(0, 64)).Select(_ => (byte)r.Next(256)).ToArray();          // random bytes
        if (kind == 1) return Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200));                  // deep nesting
        var node = JsonNode.Parse(Seeds[seed])!.AsObject();
        for (int m = r.Next(0, 3); m > 0; m--)
        {
            var keys = node.Select(p => p.Key).ToList();
            if (keys.Count == 0) break;
            switch (r.Next(4))
            {
                case 0: node[keys[r.Next(keys.Count)]] = RandomValue(r); break;                                       // a wrong type
                case 1: node["f" + r.Next(1000)] = RandomValue(r); break;                                             // a random field
                case 2: node.Remove(keys[r.Next(keys.Count)]); break;
                default: node[keys[r.Next(keys.Count)]] = JsonValue.Create(Math.Pow(10, r.Next(10, 300)) * (r.Next(2) * 2 - 1)); break;
            }
        }
        if (node["max_tokens"] is null && node["max_completion_tokens"] is null && (node.ContainsKey("prompt") || node.ContainsKey("messages")))
            node["max_tokens"] = 2;                                                      // keeps valid requests short
        var bytes = Encoding.UTF8.GetBytes(node.ToJsonString()).ToList();
        if (kind == 2) bytes.Insert(r.Next(bytes.Count), (byte)r.Next(0x80, 0x100));                                // invalid UTF-8
        if (kind == 3) bytes = bytes.Take(r.Next(bytes.Count)).ToList();                                              // truncated
        return [.. bytes];
    }

    [Fact]
    public async Task Ten_thousand_random_bodies_never_get_a_5xx_and_leak_nothing()
    {
        await using var s = await TestServer.StartAsync(o => o with { MaxTokensLimit = 8, DefaultMaxTokens = 2 });
        using var http = s.Client();
        var statuses = new ConcurrentDictionary<int, int>();
        var fivexx = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var r = new Random(i);
            var (route, body) = Body(r);
            using var content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
            using var res = await http.PostAsync(route, content, ct);
            string text = await res.Content.ReadAsStringAsync(ct);
            statuses.AddOrUpdate((int)res.StatusCode, 1, (_, n) => n + 1);
            if ((int)res.StatusCode >= 500 || text.Contains("\"server_error\"")) fivexx.Add($"#{i} {route} {(int)res.StatusCode}: {Encoding.UTF8.GetString(body)} → {text}");
        });
        Assert.True(fivexx.IsEmpty, $"{fivexx.Count} answers in 5xx:\n" + string.Join("\n", fivexx.Take(8)));
        Assert.True(statuses.GetValueOrDefault(200) > 500, string.Join(", ", statuses.OrderBy(k => k.Key).Select(k => $"{k.Key}: {k.Value}")));
        Assert.True(statuses.GetValueOrDefault(400) > 3000);
        using var open = s.Client(key: null);
        Assert.Equal(200, (int)(await open.GetAsync("/health")).StatusCode);
        await TestWait.Until(() => s.Server.Scheduler.Snapshot is { Running: 0, Waiting: 0, KvTokensReserved: 0 });
        // Every slot is free: a full batch still runs.
        int slots = s.Server.Scheduler.Options.MaxRunningSequences;
        var batch = await Task.WhenAll(Enumerable.Range(0, slots).Select(i => http.PostAsync("/v1/completions", TestServer.Json($$"""{"prompt":"p{{i}}","max_tokens":2}"""))));
        Assert.All(batch, b => Assert.Equal(200, (int)b.StatusCode));
    }
}
