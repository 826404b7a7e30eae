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
/// Workloads: square fp32 matmuls of the given sizes, and training steps (forward + backward) of MLP blocks
/// shaped like the CPU-sized models the labs actually train.
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
            // Training steps of an MLP block (width w, 4w hidden, t tokens): a CPU-quick-profile GPT's (256 wide, 8×64
            // tokens), a tiny one (128 wide, 4×64 tokens, ~0.8M-parameter models) and a toy one (64 wide, 64 tokens).
            if (includeMlpStep)
                foreach (var (tokens, width) in new[] { (512, 256), (256, 128), (64, 64) })
                    results.AddRange(MlpStep(tokens, width, threadCounts, repeats, log));
        }
        finally { torch.set_num_threads(before); }
        return results;
    }

    static List<ThreadTiming> MlpStep(int tokens, int width, IReadOnlyList<int> threadCounts, int repeats, Action<string>? log)
    {
        using var scope = NewDisposeScope();
        int hidden = 4 * width;
        using var up = nn.Linear(width, hidden);
        using var down = nn.Linear(hidden, width);
        var x = randn(tokens, width);
        double flops = 3 * 2 * 2.0 * tokens * width * hidden; // forward 2·t·w·h per linear; backward ≈ 2× forward
        return Time($"mlp step {tokens}x{width}x{hidden}", flops, () =>
        {
            using var s = NewDisposeScope();
            var loss = down.call(nn.functional.gelu(up.call(x))).square().mean();
            loss.backward();
            up.zero_grad();
            down.zero_grad();
        }, threadCounts, repeats, log).ToList();
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
            var (min, median) = SampleStats.MinMedian(samples[t]);
            var timing = new ThreadTiming(name, t, min, median, flops);
            log?.Invoke($"{name} | threads {t} | min {timing.MinSeconds * 1e3:0.000} ms | median {timing.MedianSeconds * 1e3:0.000} ms | {timing.Gflops:0.0} GFLOP/s");
            yield return timing;
        }
    }
}
