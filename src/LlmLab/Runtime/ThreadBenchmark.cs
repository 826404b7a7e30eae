using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Runtime;

/// <summary>One matmul size timed at one thread count: min and median seconds over the repeats, and GFLOP/s at the min.</summary>
public sealed record ThreadTiming(int Size, int Threads, double MinSeconds, double MedianSeconds)
{
    public double Gflops => 2.0 * Size * Size * (double)Size / MinSeconds / 1e9;
}

/// <summary>
/// Times square fp32 matmuls at several intra-op thread counts, interleaving thread counts within each repeat so
/// that machine noise hits all of them alike. Used to choose <see cref="TorchRuntime.DefaultThreads"/>.
/// </summary>
public static class ThreadBenchmark
{
    public static IReadOnlyList<ThreadTiming> Run(IReadOnlyList<int> sizes, IReadOnlyList<int> threadCounts, int repeats, Action<string>? log = null)
    {
        TorchRuntime.EnsureLoaded();
        int before = torch.get_num_threads();
        var results = new List<ThreadTiming>();
        try
        {
            foreach (int n in sizes)
            {
                using var scope = NewDisposeScope();
                var a = randn(n, n);
                var b = randn(n, n);
                // Enough inner iterations that one sample takes ≥ ~20 ms (clock resolution and call overhead).
                int inner = (int)Math.Clamp(2e7 / (2.0 * n * n * n) * 1000, 1, 20000);
                var samples = threadCounts.ToDictionary(t => t, _ => new List<double>());
                for (int r = 0; r < repeats + 1; r++)
                {
                    foreach (int t in threadCounts)
                    {
                        torch.set_num_threads(t);
                        var sw = Stopwatch.StartNew();
                        for (int i = 0; i < inner; i++) a.matmul(b).Dispose();
                        double s = sw.Elapsed.TotalSeconds / inner;
                        if (r > 0) samples[t].Add(s); // the first round warms caches and thread pools
                    }
                }
                foreach (int t in threadCounts)
                {
                    var v = samples[t].Order().ToList();
                    var timing = new ThreadTiming(n, t, v[0], v[v.Count / 2]);
                    results.Add(timing);
                    log?.Invoke($"matmul {n}x{n} | threads {t} | min {timing.MinSeconds * 1e3:0.000} ms | median {timing.MedianSeconds * 1e3:0.000} ms | {timing.Gflops:0.0} GFLOP/s");
                }
            }
        }
        finally { torch.set_num_threads(before); }
        return results;
    }
}
