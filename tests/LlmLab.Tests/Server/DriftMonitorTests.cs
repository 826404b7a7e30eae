using System.Globalization;
using System.Text.Json;
using LlmLab.Monitoring.Drift;
using LlmLab.Monitoring.Requests;
using LlmLab.Server;

namespace LlmLab.Tests.Server;

/// <summary>The opt-in request capture and the live drift monitor of a real server, read back through /metrics.</summary>
public sealed class DriftMonitorTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-drift-srv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Prompt(Random rng, int min, int max) =>
        new(Enumerable.Range(0, rng.Next(min, max)).Select(_ => "abcdefghij klmnop"[rng.Next(17)]).ToArray());

    static async Task Send(HttpClient http, string prompt, bool stream)
    {
        var body = JsonSerializer.Serialize(new { prompt, max_tokens = 2, temperature = 0, stream });
        var res = await http.PostAsync("v1/completions", TestServer.Json(body));
        Assert.True(res.IsSuccessStatusCode, await res.Content.ReadAsStringAsync());
        await res.Content.ReadAsStringAsync();
    }

    static double Gauge(string metrics, string name, string feature)
    {
        var s = PrometheusText.Parse(metrics).SingleOrDefault(s => s.Name == name && s.Labels.GetValueOrDefault("feature") == feature);
        Assert.True(s is not null, $"{name}{{feature=\"{feature}\"}} is not in /metrics:\n{metrics}");
        return s!.Value;
    }

    [Fact]
    public async Task Capture_makes_a_reference_and_the_drift_gauge_moves_when_live_traffic_shifts()
    {
        var rng = new Random(7);
        string capturePath = Path.Combine(_dir, "requests.jsonl");
        using (var capture = RequestCapture.Open(capturePath))
        {
            await using var a = await TestServer.StartAsync(o => o with { CaptureRequests = capture }, context: 512);
            using var http = a.Client();
            for (int i = 0; i < 40; i++) await Send(http, Prompt(rng, 10, 40), stream: i % 2 == 1);
        }
        var lines = File.ReadAllLines(capturePath);
        Assert.Equal(40, lines.Length);
        var records = lines.Select(l => JsonSerializer.Deserialize<RequestRecord>(l)!).ToList();
        Assert.All(records, r => Assert.True(r.Prompt.Length >= 10 && r.CompletionTokens == 2 && r.Route == "/v1/completions"));
        Assert.All(records.Where((_, i) => i % 2 == 1), r => Assert.False(string.IsNullOrEmpty(r.Reply))); // streamed replies are captured too
        var reference = DriftRecords.ReadJsonl(capturePath);

        var monitor = new LiveDriftMonitor(reference, window: 30, minRequests: 30);
        await using var b = await TestServer.StartAsync(o => o with { DriftMonitor = monitor }, context: 512);
        using var client = b.Client();
        using var scraper = b.Client(key: null);
        Assert.DoesNotContain("llmlab_drift_detected{", await scraper.GetStringAsync("/metrics")); // nothing before the minimum
        for (int i = 0; i < 30; i++) await Send(client, Prompt(rng, 10, 40), stream: false);
        string calm = await scraper.GetStringAsync("/metrics");
        Assert.Equal(0, Gauge(calm, "llmlab_drift_detected", "prompt_chars"));
        double pCalm = Gauge(calm, "llmlab_drift_p_value", "prompt_chars");
        Assert.True(pCalm >= 0.05, $"p = {pCalm}");
        var (code, output) = PrometheusTool.Promtool(["check", "metrics"], calm);
        Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {code}\n{output}");

        for (int i = 0; i < 30; i++) await Send(client, Prompt(rng, 150, 250), stream: false); // the window now holds only long prompts
        string shifted = await scraper.GetStringAsync("/metrics");
        Assert.Equal(1, Gauge(shifted, "llmlab_drift_detected", "prompt_chars"));
        Assert.Equal(1, Gauge(shifted, "llmlab_drift_detected", "prompt_tokens"));
        double pShifted = Gauge(shifted, "llmlab_drift_p_value", "prompt_chars");
        Assert.True(pShifted < 1e-6, string.Create(CultureInfo.InvariantCulture, $"p = {pShifted}"));
        Assert.Contains("llmlab_drift_window_requests{model_name=\"llmlab-demo-untrained\"} 30", shifted);
    }

    [Fact]
    public void Drift_alert_rules_pass_promtools_unit_test()
    {
        var (code, output) = PrometheusTool.Promtool(["test", "rules", PrometheusTool.RepoFile("deploy", "tests", "drift-alerts.test.yml")]);
        Assert.True(code == 0, output);
    }
}
