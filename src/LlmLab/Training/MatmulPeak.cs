using System.Diagnostics;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// A measured stand-in for a CPU's peak FLOP/s, the denominator of MFU where no datasheet figure applies: the best
/// rate of a large square fp32 matmul (2n³ FLOPs) at the current thread count. A matmul this size runs near the
/// BLAS kernel's ceiling, so MFU against it says how much of what this machine can do the training step uses. On a GPU,
/// use the datasheet's dense bf16 figure instead (as nanoGPT's <c>estimate_mfu</c> uses the A100's 312 TFLOPS).
/// </summary>
public static class MatmulPeak
{
    /// <summary>FLOP/s of the fastest of <paramref name="repeats"/> n×n fp32 matmuls (after one warm-up call).</summary>
    /// <exception cref="ArgumentOutOfRangeException">n or repeats below 1.</exception>
    public static double Measure(int n = 1024, int repeats = 5)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"n must be >= 1 (got {n})");
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), $"repeats must be >= 1 (got {repeats})");
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(0);
        var a = randn(n, n, generator: generator);
        var b = randn(n, n, generator: generator);
        a.matmul(b).Dispose(); // warm-up: thread pool and caches
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            a.matmul(b).Dispose();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * n * n * n / best;
    }
}
