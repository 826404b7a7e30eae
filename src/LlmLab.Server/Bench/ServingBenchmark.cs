using System.Diagnostics;

namespace LlmLab.Server.Bench;

/// <summary>
/// Drives a serving benchmark (after vLLM's <c>benchmark_serving.py</c>): either open-loop arrivals at a mean rate R
/// with exponential gaps (a Poisson process: independent users), or closed-loop with C clients, each sending its next
/// request when the last one is answered. Returns every request's outcome and the wall time. Thread-safe.
/// </summary>
public static class ServingBenchmark
{
    /// <summary>Open loop: request i is sent at the sum of i exponential gaps of mean 1/<paramref name="rate"/>
    /// (seeded), whatever the server's state; <paramref name="rate"/> = ∞ sends everything at once.</summary>
    public static async Task<BenchRun> RunAtRateAsync(IServingClient client, IReadOnlyList<BenchPrompt> prompts, double rate, int seed, CancellationToken ct = default)
    {
        if (!(rate > 0)) throw new InputException($"--rate must be > 0 requests/s (got {rate}); use inf to send all at once");
        var rng = new Random(seed);
        long origin = Stopwatch.GetTimestamp();
        var tasks = new List<Task<RequestOutcome>>();
        double at = 0;
        foreach (var p in prompts)
        {
            double wait = at - Stopwatch.GetElapsedTime(origin).TotalSeconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait), ct).ConfigureAwait(false);
            tasks.Add(client.SendAsync(p, origin, ct));
            if (!double.IsPositiveInfinity(rate)) at += -Math.Log(1 - rng.NextDouble()) / rate;   // Exp(rate) by inversion
        }
        var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new BenchRun(outcomes, Stopwatch.GetElapsedTime(origin).TotalSeconds);
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> clients share the prompts in order.</summary>
    public static async Task<BenchRun> RunAtConcurrencyAsync(IServingClient client, IReadOnlyList<BenchPrompt> prompts, int concurrency, CancellationToken ct = default)
    {
        if (concurrency < 1) throw new InputException($"--concurrency must be >= 1 (got {concurrency})");
        long origin = Stopwatch.GetTimestamp();
        var outcomes = new RequestOutcome[prompts.Count];
        int next = -1;
        var workers = Enumerable.Range(0, Math.Min(concurrency, prompts.Count)).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < prompts.Count; i = Interlocked.Increment(ref next))
                outcomes[i] = await client.SendAsync(prompts[i], origin, ct).ConfigureAwait(false);
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
        return new BenchRun(outcomes, Stopwatch.GetElapsedTime(origin).TotalSeconds);
    }
}

/// <summary>The outcomes of a benchmark run and its wall time in seconds. Immutable.</summary>
public sealed record BenchRun(IReadOnlyList<RequestOutcome> Outcomes, double Seconds);
