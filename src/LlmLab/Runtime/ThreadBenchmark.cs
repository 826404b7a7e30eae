using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Runtime;

/// <summary>One workload timed at one thread count: min and median seconds per call over the repeats, and GFLOP/s at the min.</summary>
public sealed record ThreadTiming(string Workload, int Threads, double MinSeconds, double MedianSeconds, double Flops)
{
    public double Gflops => Flops / MinSeconds / 1e9;
}

/// <summary>
/// Times libtorch workloads at several intra-op thread counts, interleaving thread counts within each repeat so that
/// machine noise hits all of them alike. Used to choose <see cref="TorchRuntime.DefaultThreads"/> (BENCHMARKS.md).
/// Workloads: square fp32 matmuls of the given sizes, and one training step (forward + backward) of a small MLP
/// block shaped like a CPU-sized GPT's (width 256, 4× hidden, 8×64 tokens), the shape the labs actually run.
/// </summary>
public static class ThreadBenchmark
{
    public static IReadOnlyList<ThreadTiming> Run(IReadOnlyList<int> matmulSizes, IReadOnlyList<int> threadCounts, int repeats,
                                                  bool includeMlpStep = true, Action<string>? log = null)
    {
        TorchRuntime.EnsureLoaded();
        int before = torch.get_num_threads();
        var results = new List<ThreadTiming>();
        try
        {
            foreach (int n in matmulSizes)
            {
                using var scope = NewDisposeScope();
                var a = randn(n, n);
                var b = randn(n, n);
                results.AddRange(Time($"matmul {n}x{n}", 2.0 * n * n * n, () => a.matmul(b).Dispose(), threadCounts, repeats, log));
            }
            if (includeMlpStep)
            {
                using var scope = NewDisposeScope();
                const int tokens = 8 * 64, width = 256, hidden = 4 * width;
                using var up = nn.Linear(width, hidden);
                using var down = nn.Linear(hidden, width);
                var x = randn(tokens, width);
                // forward 2·t·w·h per linear, backward ≈ 2× forward
                double flops = 3 * 2 * 2.0 * tokens * width * hidden;
                results.AddRange(Time("mlp step 512x256x1024", flops, () =>
                {
                    using var s = NewDisposeScope();
                    var loss = down.call(nn.functional.gelu(up.call(x))).square().mean();
                    loss.backward();
                    up.zero_grad();
                    down.zero_grad();
                }, threadCounts, repeats, log));
            }
        }
        finally { torch.set_num_threads(before); }
        return results;
    }

    static IEnumerable<ThreadTiming> Time(string name, double flops, Action op, IReadOnlyList<int> threadCounts, int repeats, Action<string>? log)
    {
        // Enough calls per sample that one sample takes ≥ ~20 ms (clock resolution, call overhead).
        torch.set_num_threads(threadCounts[0]);
        var probe = Stopwatch.StartNew();
        op();
        int inner = (int)Math.Clamp(0.02 / Math.Max(probe.Elapsed.TotalSeconds, 1e-7), 1, 20000);
        var samples = threadCounts.ToDictionary(t => t, _ => new List<double>());
        for (int r = 0; r < repeats + 1; r++)
        {
            foreach (int t in threadCounts)
            {
                torch.set_num_threads(t);
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < inner; i++) op();
                if (r > 0) samples[t].Add(sw.Elapsed.TotalSeconds / inner); // round 0 warms caches and thread pools
            }
        }
        foreach (int t in threadCounts)
        {
            var v = samples[t].Order().ToList();
            var timing = new ThreadTiming(name, t, v[0], v[v.Count / 2], flops);
            log?.Invoke($"{name} | threads {t} | min {timing.MinSeconds * 1e3:0.000} ms | median {timing.MedianSeconds * 1e3:0.000} ms | {timing.Gflops:0.0} GFLOP/s");
            yield return timing;
        }
    }
}
