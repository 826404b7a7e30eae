using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part09;

/// <summary>Settings of lab 9.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="Concurrencies">Closed-loop client counts, each run in both batching modes.</param>
/// <param name="Requests">Requests per run.</param>
/// <param name="MinTokens">Shortest output asked for.</param>
/// <param name="MaxTokens">Longest output asked for (lengths are uniform between: a static batch waits for its longest).</param>
/// <param name="MaxSeqs">The scheduler's running-sequence limit (both modes).</param>
/// <param name="Layers">Layers of the untrained demo GPT that is served.</param>
/// <param name="Width">Its n_embd.</param>
/// <param name="Context">Its n_positions.</param>
/// <param name="TtftSloMs">TTFT SLO for goodput, ms.</param>
/// <param name="TpotSloMs">TPOT SLO for goodput, ms.</param>
public sealed record ServingBenchmarkConfig(
    IReadOnlyList<int> Concurrencies, int Requests, int MinTokens, int MaxTokens, int MaxSeqs, int Layers, int Width, int Context,
    double TtftSloMs, double TpotSloMs)
{
    public static ServingBenchmarkConfig For(Profile profile) => profile switch
    {
        // Smoke: two concurrencies, a handful of short requests on a 1-layer model: a few seconds.
        Profile.Smoke => Base with { Concurrencies = [1, 4], Requests = 8, MinTokens = 4, MaxTokens = 16, Layers = 1, Width = 32,
                                     Context = 128 },
        // Quick: the course's concurrencies 1, 4, 16, 32 with 64 requests each, outputs of 8–64 tokens; about a minute.
        Profile.Quick => Base,
        // Full: more requests and a wider model, so a step costs more than the HTTP around it (as on a GPU server).
        _ => Base with { Requests = 256, Layers = 4, Width = 256, Context = 512, MaxTokens = 256 },
    };

    static readonly ServingBenchmarkConfig Base = new(
        Concurrencies: [1, 4, 16, 32], // the course's grid: from one user to more than a batch (MaxSeqs)
        Requests: 64,                  // 4 closed-loop rounds at 16 clients, 2 at 32
        MinTokens: 8, MaxTokens: 64,   // a spread of 8×: static batching pays for it, continuous does not
        MaxSeqs: 32,                   // holds every client at the top concurrency
        Layers: 2, Width: 64, Context: 256,
        TtftSloMs: 500, TpotSloMs: 50); // interactive chat: first token within half a second, 20 tokens/s
}
