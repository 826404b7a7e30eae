using LlmLab.Inference;
using LlmLab.Inference.Serving;
using Prometheus;

namespace LlmLab.Server;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (two servers in one process do not mix). Names follow
/// vLLM's V1 metrics (docs.vllm.ai, "Production Metrics": <c>vllm:time_to_first_token_seconds</c>,
/// <c>vllm:num_requests_running</c>, <c>vllm:kv_cache_usage_perc</c>, …) with our prefix and an underscore for vLLM's
/// colon: Prometheus' naming guide reserves colons for recording rules ("they should not be used by exporters or direct
/// instrumentation"). Histogram buckets are explicit and fixed (not exponential defaults), because a quantile read by
/// <c>histogram_quantile</c> is only as good as the buckets around it, and dashboards and alert thresholds (e.g. TTFT p95
/// &gt; 2 s) must land on a bucket boundary that never moves. Thread-safe.
/// </summary>
public sealed class ServerMetrics
{
    // TTFT and e2e: from a few ms (a tiny model on loopback) to a minute (a long CPU generation); 2.5 s is the TTFT alert line (deploy/alerts.yml).
    static readonly double[] LatencyBuckets = [0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
    // Per output token: vLLM's range, 10 ms … 7.5 s, with finer steps below 10 ms for our tiny CPU models.
    static readonly double[] TokenBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5];
    // Token counts per request: powers of two up to our largest context.
    static readonly double[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    readonly Histogram _ttft, _tpot, _e2e, _queue, _promptHist, _genHist;
    readonly Counter _prompt, _generation, _success, _http;
    readonly Gauge _running, _waiting, _kv;

    public ServerMetrics(string modelName)
    {
        Registry = Metrics.NewCustomRegistry();
        Registry.SetStaticLabels(new Dictionary<string, string> { ["model_name"] = modelName });
        var f = Metrics.WithCustomRegistry(Registry);
        Histogram H(string name, string help, double[] buckets) => f.CreateHistogram(name, help, new HistogramConfiguration { Buckets = buckets });
        _ttft = H("llmlab_time_to_first_token_seconds", "Time from the request's arrival to its first generated token.", LatencyBuckets);
        _tpot = H("llmlab_time_per_output_token_seconds", "Mean time per output token after the first: (latency - TTFT) / (output tokens - 1).", TokenBuckets);
        _e2e = H("llmlab_e2e_request_latency_seconds", "Time from the request's arrival to its last token.", LatencyBuckets);
        _queue = H("llmlab_request_queue_time_seconds", "Time a request waited before joining the running batch.", LatencyBuckets);
        _promptHist = H("llmlab_request_prompt_tokens", "Prompt tokens per request.", CountBuckets);
        _genHist = H("llmlab_request_generation_tokens", "Generated tokens per request.", CountBuckets);
        _prompt = f.CreateCounter("llmlab_prompt_tokens_total", "Prompt tokens processed (prefill).");
        _generation = f.CreateCounter("llmlab_generation_tokens_total", "Tokens generated.");
        _success = f.CreateCounter("llmlab_request_success_total", "Sequences finished, by finish reason (stop, length, cancelled).", "finished_reason");
        _http = f.CreateCounter("llmlab_http_requests_total", "HTTP requests answered, by route and status code.", "route", "status");
        _running = f.CreateGauge("llmlab_num_requests_running", "Sequences in the running batch.");
        _waiting = f.CreateGauge("llmlab_num_requests_waiting", "Sequences waiting to be admitted.");
        _kv = f.CreateGauge("llmlab_kv_cache_usage_perc", "Fraction of the KV-cache token budget in use (0-1; vLLM's name).");
    }

    /// <summary>The registry <c>/metrics</c> exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Reads the scheduler's gauges before each scrape.</summary>
    public void Observe(BatchScheduler scheduler) => Registry.AddBeforeCollectCallback(() =>
    {
        var s = scheduler.Snapshot;
        _running.Set(s.Running);
        _waiting.Set(s.Waiting);
        _kv.Set(s.KvUsage);
    });

    /// <summary>Records a finished sequence's timings and tokens.</summary>
    public void Record(ServingRequest r)
    {
        if (r.QueueTime is { } q) _queue.Observe(q.TotalSeconds);
        if (r.TimeToFirstToken is { } ttft) _ttft.Observe(ttft.TotalSeconds);
        if (r.Latency is { } e2e)
        {
            _e2e.Observe(e2e.TotalSeconds);
            if (r.TimeToFirstToken is { } t && r.OutputTokens > 1) _tpot.Observe((e2e - t).TotalSeconds / (r.OutputTokens - 1));
        }
        if (r.QueueTime is not null) // admitted: its prompt ran
        {
            _prompt.Inc(r.Prompt.Count);
            _promptHist.Observe(r.Prompt.Count);
        }
        _generation.Inc(r.OutputTokens);
        _genHist.Observe(r.OutputTokens);
        _success.WithLabels(Reason(r.Finish ?? FinishReason.Cancelled)).Inc();
    }

    /// <summary>Counts an HTTP answer.</summary>
    public void CountHttp(string route, int status) => _http.WithLabels(route, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();

    /// <summary>Writes the text exposition format (what Prometheus scrapes).</summary>
    public Task ExportAsync(Stream output, CancellationToken ct) => Registry.CollectAndExportAsTextAsync(output, ct);

    static string Reason(FinishReason f) => f switch { FinishReason.Stop => "stop", FinishReason.Length => "length", _ => "cancelled" };
}
