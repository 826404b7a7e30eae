using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part10;

/// <summary>Settings of lab 10.1 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="Requests">Requests sent through the API before the scrape.</param>
/// <param name="Concurrency">Clients sending them.</param>
/// <param name="MaxTokens">Longest output asked for (8 at least).</param>
public sealed record ServingMonitoringConfig(int Requests, int Concurrency, int MaxTokens)
{
    public static ServingMonitoringConfig For(Profile profile) => profile switch
    {
        Profile.Smoke => new(Requests: 12, Concurrency: 4, MaxTokens: 12), // seconds
        Profile.Quick => new(Requests: 200, Concurrency: 8, MaxTokens: 32), // enough samples for a p95 from the histogram
        _ => new(Requests: 2000, Concurrency: 32, MaxTokens: 64),
    };
}
