using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace LlmLab.Server.Bench;

/// <summary>
/// The timing half shared by the streaming clients: send the request, read its server-sent events, and time the first
/// token event (TTFT), every gap between token events (ITL) and the end (latency). The subclass builds the request and
/// says what each event holds. Thread-safe (HttpClient is).
/// </summary>
public abstract class StreamingClient(HttpClient http, string? apiKey) : IServingClient
{
    /// <summary>What one event carried.</summary>
    /// <param name="Tokens">Tokens it delivers (0 for role or usage events).</param>
    /// <param name="Done">The stream's last meaningful event.</param>
    /// <param name="UsageTokens">The server's count of generated tokens, if the event reports it.</param>
    protected readonly record struct Event(int Tokens, bool Done, int? UsageTokens = null);

    protected abstract string Path { get; }

    protected abstract string Body(BenchPrompt prompt);

    protected abstract Event Parse(string data);

    public async Task<RequestOutcome> SendAsync(BenchPrompt prompt, long origin, CancellationToken ct)
    {
        long sent = Stopwatch.GetTimestamp();
        double start = Stopwatch.GetElapsedTime(origin, sent).TotalSeconds;
        double? ttft = null;
        var itl = new List<double>();
        long last = sent;
        int tokens = 0;
        int? usage = null;
        bool done = false;
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(Body(prompt), Encoding.UTF8, "application/json") };
            if (apiKey is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var res = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!res.IsSuccessStatusCode)
            {
                string body = await res.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                return Failed(start, sent, $"HTTP {(int)res.StatusCode}: {body[..Math.Min(200, body.Length)]}");
            }
            await foreach (var data in ServerSentEvents.ReadDataAsync(await res.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false))
            {
                if (data == "[DONE]") { done = true; break; }
                var e = Parse(data);
                if (e.Tokens > 0)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (ttft is null) ttft = Stopwatch.GetElapsedTime(sent, now).TotalSeconds;
                    else itl.Add(Stopwatch.GetElapsedTime(last, now).TotalSeconds);
                    last = now;
                    tokens += e.Tokens;
                }
                usage = e.UsageTokens ?? usage;
                done |= e.Done;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException or InvalidOperationException
                                       || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return Failed(start, sent, e.GetType().Name + ": " + e.Message);
        }
        double latency = Stopwatch.GetElapsedTime(sent).TotalSeconds;
        return done
            ? new RequestOutcome(true, null, start, ttft, latency, usage ?? tokens, itl)
            : new RequestOutcome(false, "the stream ended without its final event", start, ttft, latency, tokens, itl);
    }

    static RequestOutcome Failed(double start, long sent, string error) =>
        new(false, error, start, null, Stopwatch.GetElapsedTime(sent).TotalSeconds, 0, []);
}
