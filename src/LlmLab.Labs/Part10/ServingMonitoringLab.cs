using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using LlmLab.Labs.Framework;
using LlmLab.Server;
using LlmLab.Server.Bench;

namespace LlmLab.Labs.Part10;

/// <summary>
/// Lab 10.1 — an OpenAI-compatible server with monitoring. Starts our server in-process on loopback with a random API
/// key, checks that a request without the key is refused (401, OpenAI's error shape), sends a load through the
/// streaming OpenAI API (our benchmark client; the official OpenAI .NET client is exercised by the test suite), then
/// scrapes <c>/metrics</c> and reads it back: the server's counters must agree with what the clients received, and the
/// TTFT quantiles are estimated from the histogram as Prometheus' <c>histogram_quantile</c> would. The logic is in
/// <c>LlmLab.Server</c>.
/// </summary>
public sealed class ServingMonitoringLab : Lab<ServingMonitoringConfig>
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    protected override string Id => "10.1";

    public override ServingMonitoringConfig Defaults(Profile profile) => ServingMonitoringConfig.For(profile);

    protected override void Validate(ServingMonitoringConfig cfg)
    {
        ConfigRules.AtLeast("requests", cfg.Requests, 1);
        ConfigRules.InRange("concurrency", cfg.Concurrency, 1, 1024);
        ConfigRules.InRange("max_tokens", cfg.MaxTokens, 8, 256);
    }

    public override void Run(LabContext ctx, ServingMonitoringConfig cfg) => RunAsync(ctx, cfg).GetAwaiter().GetResult();

    static async Task RunAsync(LabContext ctx, ServingMonitoringConfig cfg)
    {
        string key = "sk-lab-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var engine = DemoModel.Create("char", context: 512, seed: ctx.Seed);
        try
        {
            var options = new ServerOptions { Url = "http://127.0.0.1:0", ModelId = DemoModel.ModelId, ApiKeys = ApiKeyStore.FromKeys([key]), RequestsPerSecondPerKey = 0 };
            await using var server = LlmLabServer.Create(engine, options);
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = server.BaseAddress };

            var anonymous = await http.PostAsync("v1/completions", new StringContent("""{"prompt":"hi"}""", System.Text.Encoding.UTF8, "application/json"));
            string body = await anonymous.Content.ReadAsStringAsync();
            ctx.Checks.Published("OpenAI API: 401 without a valid key")
                .Equal("a request without the API key is refused", (int)anonymous.StatusCode, 401, "HTTP status");
            ctx.Checks.Published("OpenAI API error object {error: {message, type, code}}")
                .True("the refusal is in OpenAI's error shape", body.Contains("\"error\"") && body.Contains("\"code\":\"missing_api_key\""), body);

            var prompts = BenchDataset.Synthetic(cfg.Requests, (int)ctx.Seed, minTokens: 4, maxTokens: cfg.MaxTokens);
            var run = await ServingBenchmark.RunAtConcurrencyAsync(new OpenAiStreamingClient(http, DemoModel.ModelId, key), prompts, cfg.Concurrency);
            var summary = BenchSummary.Of(run);
            ctx.Checks.KnownAnswer("the requests the clients sent").Equal("every request answered", summary.Failed, 0, "failed");

            using var scrape = new HttpRequestMessage(HttpMethod.Get, "metrics");
            var samples = PrometheusText.Parse(await (await http.SendAsync(scrape)).Content.ReadAsStringAsync());
            int received = run.Outcomes.Sum(o => o.OutputTokens);
            double generated = PrometheusText.Sum(samples, "llmlab_generation_tokens_total");
            double ttftCount = PrometheusText.Sum(samples, "llmlab_time_to_first_token_seconds_count");
            double ok = samples.Where(s => s.Name == "llmlab_http_requests_total" && s.Labels.GetValueOrDefault("route") == "/v1/completions" && s.Labels.GetValueOrDefault("status") == "200").Sum(s => s.Value);
            ctx.Checks.SelfConsistency("tokens counted by the clients from their streams")
                .Equal("llmlab_generation_tokens_total = tokens the clients received", (long)generated, received, "tokens");
            ctx.Checks.KnownAnswer("the requests the clients sent")
                .Equal("one TTFT observation per request", (long)ttftCount, cfg.Requests, "observations");
            ctx.Checks.KnownAnswer("the requests the clients sent")
                .Equal("HTTP 200 counted per request on /v1/completions", (long)ok, cfg.Requests, "requests");
            double p50 = PrometheusText.HistogramQuantile(0.5, samples, "llmlab_time_to_first_token_seconds") * 1000;
            double p95 = PrometheusText.HistogramQuantile(0.95, samples, "llmlab_time_to_first_token_seconds") * 1000;
            // The server's clock starts after the client sent the request and stops before the client reads the first token, so
            // the server's mean TTFT (histogram _sum / _count, exact, unlike its bucketed quantiles) cannot exceed the clients'.
            double serverMean = PrometheusText.Sum(samples, "llmlab_time_to_first_token_seconds_sum") / ttftCount * 1000;
            double clientMean = run.Outcomes.Where(o => o.Ttft is not null).Average(o => o.Ttft!.Value) * 1000;
            ctx.Checks.SelfConsistency("the clients' own stopwatches, which span the server's").AtMost(
                "server-side mean TTFT (/metrics _sum ÷ _count) ≤ client-side mean TTFT", serverMean, clientMean, "ms");

            ctx.Report.Heading("The server, its clients and its metrics");
            ctx.Report.Paragraph($"{cfg.Requests} streamed completions from {cfg.Concurrency} clients to an untrained demo GPT, authenticated with a random key; " +
                "then one scrape of /metrics. Client-side figures come from the streams; server-side ones from the Prometheus histograms (bucket estimates).");
            ctx.Report.Table(["measure", "client side", "server side (/metrics)"],
            [
                ["TTFT p50 ms", F(summary.Ttft.Median), F(p50) + " (histogram estimate)"],
                ["TTFT p95 ms", "–", F(p95) + " (histogram estimate)"],
                ["generated tokens", received.ToString(C), generated.ToString(C)],
                ["requests", summary.Succeeded.ToString(C), ok.ToString(C)],
            ]);
            ctx.Report.Table(["metric", "value"], samples.Where(s => !s.Name.EndsWith("_bucket", StringComparison.Ordinal))
                .Select(s => new[] { s.Name + (s.Labels.Count > 1 ? "{" + string.Join(",", s.Labels.Where(l => l.Key != "model_name").Select(l => $"{l.Key}={l.Value}")) + "}" : ""), s.Value.ToString("G6", C) }),
                "the scrape, without the histogram buckets");
            ctx.Report.Headline("TTFT p95 (histogram)", F(p95) + " ms");
            ctx.Plot("client-latencies", BenchPlots.Latencies(run), "Latency distributions measured by the clients");
        }
        finally { engine.Model.Dispose(); }
    }

    static string F(double v) => double.IsNaN(v) ? "–" : v.ToString("0.0", C);
}
