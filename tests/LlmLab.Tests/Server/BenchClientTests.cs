using System.Text.Json;
using LlmLab.Server.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmLab.Tests.Server;

/// <summary>The serving-benchmark clients and figures: TGI's SSE against a fake TGI server, OpenAI streaming against
/// ours, pinned statistics, Poisson gaps, and the CLI end to end.</summary>
public sealed class BenchClientTests
{
    [Fact]
    public async Task The_tgi_client_reads_tgi_s_generate_stream_format()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        string? received = null;
        app.MapPost("/generate_stream", async (HttpContext ctx) =>
        {
            received = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
            ctx.Response.ContentType = "text/event-stream";
            // TGI's documented stream: one event per token, the last with generated_text and details; TGI writes "data:" with no space.
            string[] tokens = ["Hel", "lo", "!"];
            for (int i = 0; i < tokens.Length; i++)
            {
                bool last = i == tokens.Length - 1;
                var ev = new
                {
                    index = i + 1, token = new { id = 100 + i, text = tokens[i], logprob = -0.5, special = false },
                    generated_text = last ? string.Concat(tokens) : null,
                    details = last ? new { finish_reason = "length", generated_tokens = 3, seed = (int?)null } : null,
                };
                await ctx.Response.WriteAsync("data:" + JsonSerializer.Serialize(ev) + "\n\n");
                await ctx.Response.Body.FlushAsync();
                await Task.Delay(20);
            }
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/") };
        var outcome = await new TgiStreamingClient(http).SendAsync(new BenchPrompt("Hi", 3), System.Diagnostics.Stopwatch.GetTimestamp(), default);
        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal(3, outcome.OutputTokens);
        Assert.Equal(2, outcome.Itl.Count);                                       // every gap between the 3 token events
        // The server waits 20 ms between events, but a loaded machine may deliver two events in one read: the gaps are
        // non-negative and fit inside the stream's time after the first token, whatever the machine's speed.
        Assert.All(outcome.Itl, g => Assert.InRange(g, 0, 5));
        Assert.InRange(outcome.Itl.Sum(), 0, outcome.Latency - outcome.Ttft!.Value + 1e-9);
        Assert.True(outcome.Tpot > 0);
        using var body = JsonDocument.Parse(received!);
        Assert.Equal("Hi", body.RootElement.GetProperty("inputs").GetString());
        Assert.Equal(3, body.RootElement.GetProperty("parameters").GetProperty("max_new_tokens").GetInt32());
    }

    [Fact]
    public async Task The_openai_client_measures_our_server_and_counts_its_usage()
    {
        await using var s = await TestServer.StartAsync(context: 256);
        using var http = new HttpClient { BaseAddress = s.Base };
        var client = new OpenAiStreamingClient(http, LlmLab.Server.DemoModel.ModelId, TestServer.Key);
        var run = await ServingBenchmark.RunAtConcurrencyAsync(client, BenchDataset.Synthetic(12, seed: 3, maxTokens: 12), 4);
        Assert.All(run.Outcomes, o => Assert.True(o.Success, o.Error));
        var summary = BenchSummary.Of(run, ttftSloMs: 1e9, tpotSloMs: 1e9);
        Assert.Equal(BenchDataset.Synthetic(12, 3, maxTokens: 12).Sum(p => p.MaxTokens), run.Outcomes.Sum(o => o.OutputTokens));
        Assert.Equal(summary.RequestThroughput, summary.Goodput, 9);              // generous SLOs: every request is good
        Assert.Equal(0, BenchSummary.Of(run, ttftSloMs: 0).Goodput);               // an impossible SLO: none is
        var wrongKey = await new OpenAiStreamingClient(http, LlmLab.Server.DemoModel.ModelId, "sk-wrong-key-00000000000").SendAsync(new BenchPrompt("a", 2), 0, default);
        Assert.False(wrongKey.Success);
        Assert.StartsWith("HTTP 401", wrongKey.Error);
    }

    [Fact]
    public void Percentiles_and_tpot_follow_their_definitions()
    {
        double[] xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5.5, LatencyStats.Percentile(xs, 50), 12);
        Assert.Equal(9.1, LatencyStats.Percentile(xs, 90), 12);                   // numpy.percentile(1..10, 90) = 9.1
        Assert.Equal(9.91, LatencyStats.Percentile(xs, 99), 12);
        var o = new RequestOutcome(true, null, 0, Ttft: 0.1, Latency: 1.0, OutputTokens: 10, Itl: []);
        Assert.Equal(0.1, o.Tpot!.Value, 12);                                      // (1.0 − 0.1) / (10 − 1)
    }

    [Fact]
    public async Task Poisson_arrivals_have_the_requested_mean_gap()
    {
        var client = new RecordingClient();
        await ServingBenchmark.RunAtRateAsync(client, BenchDataset.Synthetic(40, 1), rate: 200, seed: 5);
        var starts = client.Starts.OrderBy(x => x).ToArray();
        double meanGap = (starts[^1] - starts[0]) / (starts.Length - 1);
        Assert.InRange(meanGap, 0.0025, 0.02);                                     // 1/200 s = 5 ms, loosely (timer resolution, scheduling)
        Assert.Contains("--rate", Assert.Throws<InputException>(() => ServingBenchmark.RunAtRateAsync(client, [], 0, 1).GetAwaiter().GetResult()).Message);
    }

    [Fact]
    public async Task The_cli_benchmarks_a_server_and_writes_results_and_plots()
    {
        await using var s = await TestServer.StartAsync(o => o with { ApiKeys = null }, context: 256);
        var dir = Directory.CreateTempSubdirectory("llmlab-bench-");
        var (code, output, _) = CliRun.Run(["bench", "serve", "--url", s.Base.ToString(), "--concurrency", "4", "--requests", "8", "--max-tokens", "6", "--out", dir.FullName]);
        Assert.True(code == 0, output);
        Assert.Contains("requests 8/8 ok", output);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "results.json")));
        Assert.True(File.Exists(Path.Combine(dir.FullName, "latencies.png")));
        var (bad, _, err) = CliRun.Run(["bench", "serve", "--url", s.Base.ToString(), "--rate", "2", "--concurrency", "3"]);
        Assert.Equal(2, bad);
        Assert.Contains("exactly one of --rate", err);
        var (serveBad, _, serveErr) = CliRun.Run(["serve", "--demo", "--checkpoint", "x"]);
        Assert.Equal(2, serveBad);
        Assert.Contains("exactly one of --demo, --checkpoint DIR and --cascade", serveErr);
        dir.Delete(true);
    }

    sealed class RecordingClient : IServingClient
    {
        public System.Collections.Concurrent.ConcurrentBag<double> Starts { get; } = [];

        public Task<RequestOutcome> SendAsync(BenchPrompt prompt, long origin, CancellationToken ct)
        {
            double at = System.Diagnostics.Stopwatch.GetElapsedTime(origin).TotalSeconds;
            Starts.Add(at);
            return Task.FromResult(new RequestOutcome(true, null, at, 0.001, 0.002, 1, []));
        }
    }
}
