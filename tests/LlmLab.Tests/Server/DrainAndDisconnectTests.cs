using System.Text.Json;
using System.Text.RegularExpressions;
using LlmLab.Server;

namespace LlmLab.Tests.Server;

/// <summary>Issue 21, items 3 and 4: a drain answers every request with its real outcome (503 + Retry-After for the
/// queued, an error event for streams cut at the deadline), /ready turns 503 while the listener is still open, the
/// process exits 1 when work was cut; a client that hangs up is counted as 499, not 200.</summary>
public sealed class DrainAndDisconnectTests
{
    static async Task<double> Counted(LlmLabServer server, string status)
    {
        using var m = new MemoryStream();
        await server.Metrics.ExportAsync(m, default);
        var samples = PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(m.ToArray()));
        return samples.Where(x => x.Name == "llmlab_http_requests_total" && x.Labels["route"] == "/v1/completions" && x.Labels["status"] == status).Sum(x => x.Value);
    }

    static HttpRequestMessage Completion(int maxTokens, bool stream) => new(HttpMethod.Post, "/v1/completions")
    {
        Content = TestServer.Json($$"""{"prompt":"abc","max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}}}"""),
    };

    [Fact]
    public async Task A_drain_refuses_the_queued_at_once_cuts_streams_at_the_deadline_with_an_error_event()
    {
        var s = await TestServer.StartAsync(o => o with { DrainTimeout = TimeSpan.FromMilliseconds(400), Scheduler = o.Scheduler with { MaxRunningSequences = 2 } },
            context: 256);
        s.Server.Scheduler.AfterIteration = () => Thread.Sleep(10);       // 200 tokens take > 2 s: still running at the deadline
        using var http = s.Client();
        var streams = new List<HttpResponseMessage>();
        for (int i = 0; i < 2; i++) streams.Add(await http.SendAsync(Completion(200, stream: true), HttpCompletionOption.ResponseHeadersRead));
        var queued = Enumerable.Range(0, 3).Select(i => http.SendAsync(Completion(5, stream: i == 0))).ToList();
        await TestWait.Until(() => s.Server.Scheduler.Snapshot.Waiting == 3);
        var stopping = s.Server.StopAsync();
        using var open = s.Client(key: null);
        Assert.Equal(503, (int)(await open.GetAsync("/ready")).StatusCode);                 // observable: the listener is open
        var late = await http.SendAsync(Completion(5, stream: false));
        Assert.Equal(503, (int)late.StatusCode);
        foreach (var q in queued)
        {
            var res = await q;
            Assert.Equal(503, (int)res.StatusCode);
            Assert.Equal("1", res.Headers.GetValues("Retry-After").Single());
            Assert.Equal("shutting_down", JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        foreach (var st in streams)
        {
            string body = await st.Content.ReadAsStringAsync();
            Assert.DoesNotContain("[DONE]", body);
            var last = JsonDocument.Parse(body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1][6..]).RootElement;
            Assert.Equal("shutting_down", last.GetProperty("error").GetProperty("code").GetString());
        }
        await stopping;
        Assert.Equal(2, s.Server.CutAtShutdown);
        Assert.Equal(6, await Counted(s.Server, "503"));                                    // 2 cut streams, 3 queued, 1 late
        Assert.Equal(0, await Counted(s.Server, "200"));
        await s.DisposeAsync();
    }

    [Fact]
    public async Task Clients_that_hang_up_are_counted_and_logged_as_499()
    {
        await using var s = await TestServer.StartAsync(context: 256);
        s.Server.Scheduler.AfterIteration = () => Thread.Sleep(5);
        // A whole request abandoned after 300 ms (curl -m 0.5).
        using (var impatient = new HttpClient { BaseAddress = s.Base, Timeout = TimeSpan.FromMilliseconds(300) })
        {
            impatient.DefaultRequestHeaders.Authorization = new("Bearer", TestServer.Key);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.SendAsync(Completion(200, stream: false)));
        }
        // Five streams aborted after their first bytes.
        for (int i = 0; i < 5; i++)
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = s.Base };
            http.DefaultRequestHeaders.Authorization = new("Bearer", TestServer.Key);
            var res = await http.SendAsync(Completion(200, stream: true), HttpCompletionOption.ResponseHeadersRead);
            await (await res.Content.ReadAsStreamAsync()).ReadExactlyAsync(new byte[16]);
            res.Dispose();
        }
        await TestWait.Until(() => Counted(s.Server, "499").Result == 6);
        Assert.Equal(0, await Counted(s.Server, "200"));
        Assert.Contains(s.Logs.Lines, l => l.Contains("/v1/completions 499"));
        await TestWait.Until(() => s.Server.Scheduler.Snapshot is { Running: 0, KvTokensReserved: 0 });
    }

    [Fact]
    public async Task Sigterm_drains_the_process_and_exits_1_exactly_when_work_was_cut()
    {
        using var p = new CliProcess("serve", "--demo", "--port", "0", "--max-seqs", "2", "--drain-timeout", "0.3", "--rate-limit", "0", "--threads", "1");
        p.WaitForOutput("serving", TimeSpan.FromSeconds(120));
        var url = new Uri(Regex.Match(p.Out, @"at (http://\S+)").Groups[1].Value);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        var running = new List<HttpResponseMessage>();
        for (int i = 0; i < 2; i++) running.Add(await http.SendAsync(Completion(250, stream: true), HttpCompletionOption.ResponseHeadersRead));
        var queued = Enumerable.Range(0, 4).Select(_ => http.SendAsync(Completion(250, stream: true))).ToList();
        for (int i = 0; i < 600 && !(await http.GetStringAsync("/metrics")).Contains("llmlab_num_requests_waiting{model_name=\"llmlab-demo-untrained\"} 4"); i++)
            await Task.Delay(50);                                           // the four are queued
        p.Terminate();
        var outcomes = new List<(int Status, string Body)>();
        foreach (var r in running.Concat(await Task.WhenAll(queued))) outcomes.Add(((int)r.StatusCode, await r.Content.ReadAsStringAsync()));
        int exit = p.WaitForExit(TimeSpan.FromSeconds(60));
        int cut = 0;
        foreach (var (status, body) in outcomes)
        {
            if (status == 503) { Assert.Contains("shutting_down", body); continue; }        // refused while queued
            Assert.Equal(200, status);
            if (body.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal)) Assert.Contains("\"finish_reason\":\"length\"", body);
            else
            {
                Assert.Contains("\"code\":\"shutting_down\"", body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1]);
                cut++;
            }
        }
        Assert.Equal(cut > 0 ? 1 : 0, exit);
        if (cut > 0) Assert.Contains($"cut {cut} running sequence(s)", p.Err);
        Assert.Contains("draining", p.Out);
    }
}
