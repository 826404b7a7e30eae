using System.Collections.Concurrent;
using System.Text.Json;

namespace LlmLab.Tests.Server;

/// <summary>The CI load test (2,000 requests at concurrency 32: no 5xx, none lost), graceful drain, and a client that
/// leaves mid-stream freeing its sequence.</summary>
public sealed class LoadAndShutdownTests
{
    [Fact]
    public async Task Two_thousand_requests_at_concurrency_32_get_no_5xx_and_none_is_lost()
    {
        await using var s = await TestServer.StartAsync(o => o with { Scheduler = o.Scheduler with { MaxRunningSequences = 32 } });
        using var http = s.Client();
        var statuses = new ConcurrentDictionary<int, int>();
        int answered = 0;
        await Parallel.ForAsync(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var res = await http.PostAsync("/v1/completions", TestServer.Json($$"""{"prompt":"req {{i}}","max_tokens":2,"stream":{{(i % 4 == 0 ? "true" : "false")}}}"""), ct);
            string body = await res.Content.ReadAsStringAsync(ct);
            statuses.AddOrUpdate((int)res.StatusCode, 1, (_, n) => n + 1);
            if (res.IsSuccessStatusCode && (i % 4 == 0 ? body.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal) : JsonDocument.Parse(body).RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() == 2))
                Interlocked.Increment(ref answered);
        });
        Assert.Equal(new Dictionary<int, int> { [200] = 2000 }, statuses.ToDictionary());
        Assert.Equal(2000, answered);
        Assert.InRange(s.Server.Scheduler.Snapshot.MaxBatchSeen, 2, 32);
    }

    [Fact]
    public async Task Stopping_drains_a_streaming_request()
    {
        var s = await TestServer.StartAsync(context: 256);
        using var http = s.Client();
        var req = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = TestServer.Json("""{"prompt":"abc","max_tokens":200,"stream":true}""") };
        var res = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        var reading = res.Content.ReadAsStringAsync();
        var stopping = s.Server.StopAsync();
        string body = await reading;
        await stopping;
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Contains("\"finish_reason\":\"length\"", body);
        await s.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_leaves_mid_stream_frees_its_sequence()
    {
        await using var s = await TestServer.StartAsync(context: 256);
        // No draining of the rest of the response for connection reuse (SocketsHttpHandler's default): dispose = hang up.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = s.Base };
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestServer.Key);
        var req = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = TestServer.Json("""{"prompt":"abc","max_tokens":250,"stream":true}""") };
        var res = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        var stream = await res.Content.ReadAsStreamAsync();
        await stream.ReadExactlyAsync(new byte[16]);                              // the stream has started
        res.Dispose();                                                              // the client goes away
        await TestWait.Until(() => s.Server.Scheduler.Snapshot is { Running: 0, KvTokensReserved: 0 });
        using var open = s.Client(key: null);
        string metrics = "";
        for (int i = 0; i < 100 && !metrics.Contains("finished_reason=\"cancelled\""); i++) { metrics = await open.GetStringAsync("/metrics"); await Task.Delay(50); }
        Assert.True(metrics.Contains("finished_reason=\"cancelled\""), string.Join("\n", metrics.Split('\n').Where(l => l.Contains("success") || l.Contains("generation_tokens_total"))));
    }
}
