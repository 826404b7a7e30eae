namespace LlmLab.Server.Bench;

/// <summary>What a client measured for one streamed request. Immutable.</summary>
/// <param name="Success">A complete answer (2xx and the stream's end).</param>
/// <param name="Error">Why not, when it failed.</param>
/// <param name="Start">Seconds from the benchmark's start to the request's sending.</param>
/// <param name="Ttft">Seconds to the first token (null if none came).</param>
/// <param name="Latency">Seconds to the end of the answer.</param>
/// <param name="OutputTokens">Tokens generated (the server's usage count when given, else the streamed tokens).</param>
/// <param name="Itl">Gaps between successive streamed token events, seconds (every gap, as vLLM's ITL).</param>
public sealed record RequestOutcome(bool Success, string? Error, double Start, double? Ttft, double Latency, int OutputTokens, IReadOnlyList<double> Itl)
{
    /// <summary>Time per output token after the first: (latency − TTFT) / (output tokens − 1); null for fewer than 2 tokens.</summary>
    public double? Tpot => Ttft is { } t && OutputTokens > 1 ? (Latency - t) / (OutputTokens - 1) : null;
}
