namespace LlmLab.Server.Bench;

/// <summary>Sends one streamed generation request to a server and measures it. Implementations are thread-safe.</summary>
public interface IServingClient
{
    /// <summary>Sends <paramref name="prompt"/>; <paramref name="origin"/> is the benchmark's start (Stopwatch timestamp).
    /// Never throws for a failed request: the outcome says why.</summary>
    Task<RequestOutcome> SendAsync(BenchPrompt prompt, long origin, CancellationToken ct);
}
