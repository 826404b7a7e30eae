using LlmLab.Inference;
using LlmLab.Inference.Serving;
using LlmLab.Monitoring.Requests;
using LlmLab.Tokenization;

namespace LlmLab.Server;

/// <summary>
/// What the server does with a finished completion request besides answering it: append it to the opt-in capture file
/// (<see cref="ServerOptions.CaptureRequests"/>: prompt and reply in clear text) and/or add its features — numbers and
/// a language code, never text — to the live drift monitor (<see cref="ServerOptions.DriftMonitor"/>). Requests that
/// were cancelled (client gone, timeout) are not observed: their latency and length say nothing about the traffic.
/// Thread-safe.
/// </summary>
public sealed class RequestObserver(ServerOptions options, ITokenizer tokenizer)
{
    /// <summary>An observer when capture or drift monitoring is on, else null (the handler then does nothing extra).</summary>
    public static RequestObserver? For(ServerOptions options, ITokenizer tokenizer) =>
        options.CaptureRequests is null && options.DriftMonitor is null ? null : new RequestObserver(options, tokenizer);

    /// <summary>Observes a request whose choices are <paramref name="runs"/> and whose first choice's text is
    /// <paramref name="reply"/>.</summary>
    /// Never throws: a capture that fails (a full disk) is counted in <see cref="Failures"/>, the answer already went out.
    public void Observe(string route, IReadOnlyList<ServingRequest> runs, string reply)
    {
        try { ObserveCore(route, runs, reply); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException) { Interlocked.Increment(ref _failures); }
    }

    long _failures;

    /// <summary>Observations lost to a failing capture file.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    void ObserveCore(string route, IReadOnlyList<ServingRequest> runs, string reply)
    {
        if (runs.Count == 0 || runs.Any(r => r.Finish is null or FinishReason.Cancelled)) return;
        var first = runs[0];
        string prompt = tokenizer.Decode(first.Prompt.ToArray());
        int completion = runs.Sum(r => r.OutputTokens);
        double latencyMs = runs.Max(r => r.Latency?.TotalMilliseconds ?? 0);
        options.DriftMonitor?.Add(RequestFeatures.Of(prompt, reply, first.Prompt.Count, completion, latencyMs));
        options.CaptureRequests?.Write(new RequestRecord(DateTimeOffset.UtcNow, route, options.ModelId, prompt, reply, first.Prompt.Count,
            completion, latencyMs, first.TimeToFirstToken?.TotalMilliseconds, first.Finish == FinishReason.Stop ? "stop" : "length"));
    }
}
