using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmLab.Tests.Server;

/// <summary>/metrics passes promtool, the shipped config, rules and dashboard are valid, and a real Prometheus scrapes
/// the server under load and answers a p95 TTFT query.</summary>
public sealed class MonitoringTests : IAsyncLifetime
{
    TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    async Task Load(int requests, int concurrency = 4)
    {
        using var http = _s.Client();
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var res = await http.PostAsync("/v1/completions", TestServer.Json($$"""{"prompt":"abc {{i}}","max_tokens":4,"stream":{{(i % 2 == 0 ? "true" : "false")}}}"""), ct);
            Assert.Equal(200, (int)res.StatusCode);
            await res.Content.ReadAsStringAsync(ct);
        });
    }

    [Fact]
    public async Task Metrics_pass_promtool_and_carry_vllm_style_names()
    {
        await Load(12);
        using var http = _s.Client(key: null);
        string text = await http.GetStringAsync("/metrics");
        var (code, output) = PrometheusTool.Promtool(["check", "metrics"], text);
        Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {code}\n{output}");
        foreach (var name in (string[])["llmlab_time_to_first_token_seconds_bucket", "llmlab_time_per_output_token_seconds_bucket", "llmlab_e2e_request_latency_seconds_bucket",
            "llmlab_request_queue_time_seconds_bucket", "llmlab_prompt_tokens_total", "llmlab_generation_tokens_total", "llmlab_num_requests_running",
            "llmlab_num_requests_waiting", "llmlab_kv_cache_usage_perc", "llmlab_request_success_total", "llmlab_http_requests_total"])
            Assert.Contains(name, text);
        Assert.Matches(new Regex(@"llmlab_generation_tokens_total\{model_name=""llmlab-demo-untrained""\} 48\b"), text);
        Assert.Matches(new Regex(@"llmlab_time_to_first_token_seconds_count\{model_name=""llmlab-demo-untrained""\} 12\b"), text);
    }

    [Fact]
    public void The_shipped_prometheus_config_rules_and_dashboard_are_valid()
    {
        var (code, output) = PrometheusTool.Promtool(["check", "config", PrometheusTool.RepoFile("deploy", "prometheus.yml")]);
        Assert.True(code == 0, output);
        (code, output) = PrometheusTool.Promtool(["check", "rules", PrometheusTool.RepoFile("deploy", "alerts.yml")]);
        Assert.True(code == 0, output);
        using var dash = JsonDocument.Parse(File.ReadAllText(PrometheusTool.RepoFile("deploy", "grafana", "llmlab.json")));
        var exprs = dash.RootElement.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.True(exprs.Count >= 9);
        var names = new[] { "time_to_first_token_seconds", "time_per_output_token_seconds", "e2e_request_latency_seconds", "request_queue_time_seconds",
            "num_requests_running", "num_requests_waiting", "kv_cache_usage_perc", "generation_tokens_total", "prompt_tokens_total", "http_requests_total", "request_success_total" };
        Assert.All(names, n => Assert.Contains(exprs, e => e.Contains("llmlab_" + n, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_server_and_answers_the_p95_ttft()
    {
        string bin = PrometheusTool.Require("prometheus");
        var dir = Directory.CreateTempSubdirectory("llmlab-prom-");
        int port = PrometheusTool.FreePort();
        File.WriteAllText(Path.Combine(dir.FullName, "prometheus.yml"), $"""
            global: {"{"}scrape_interval: 1s{"}"}
            scrape_configs:
              - job_name: llmlab
                static_configs: [{"{"}targets: ["{_s.Base.Authority}"]{"}"}]
            """);
        var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={dir.FullName}/prometheus.yml", $"--storage.tsdb.path={dir.FullName}/data", $"--web.listen-address=127.0.0.1:{port}" })
            psi.ArgumentList.Add(a);
        using var prom = Process.Start(psi)!;
        prom.ErrorDataReceived += (_, _) => { };
        prom.BeginErrorReadLine();
        prom.BeginOutputReadLine();
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var watch = Stopwatch.StartNew();
            double? p95 = null;
            string query = Uri.EscapeDataString("histogram_quantile(0.95, sum by (le) (rate(llmlab_time_to_first_token_seconds_bucket[1m])))");
            while (p95 is null && watch.Elapsed < TimeSpan.FromSeconds(40))
            {
                await Load(8);                                                   // load between scrapes, so rate() sees growth
                try
                {
                    using var doc = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/query?query={query}"));
                    var result = doc.RootElement.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() > 0 && double.TryParse(result[0].GetProperty("value")[1].GetString(), System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
                        p95 = v;
                }
                catch (HttpRequestException) { }                                 // not up yet
                await Task.Delay(500);
            }
            Assert.True(p95 is > 0 and < 80, $"no finite p95 TTFT from Prometheus within 40 s (got {p95})");
        }
        finally
        {
            prom.Kill(entireProcessTree: true);
            await prom.WaitForExitAsync();
            dir.Delete(recursive: true);
        }
    }
}
