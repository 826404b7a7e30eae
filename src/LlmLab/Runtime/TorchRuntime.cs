using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Runtime;

/// <summary>
/// TorchSharp start-up in one place: loads the native library once, sets the intra-op thread count and resolves
/// the device named in a config. Thread-safe; every call after the first is cheap.
/// </summary>
public static class TorchRuntime
{
    static readonly object Gate = new();
    static bool _loaded;

    /// <summary>
    /// Default intra-op threads: every logical core, unless LLMLAB_THREADS says otherwise (a config's "threads" or
    /// --threads overrides both). Chosen from `llmlab bench threads` on a 2-core machine (BENCHMARKS.md): 2 threads ran
    /// 1.8-1.9x faster than 1 on fp32 matmuls from 256² up and 1.45-1.75x faster on MLP training steps of the
    /// shapes the labs train (128-256 wide); only toy shapes (64² matmul, a 64-wide MLP on 64 tokens: under 0.3 ms
    /// per step) were slower with 2 threads (0.5-0.8x), and labs that run such shapes set threads=1 themselves.
    /// </summary>
    public static int DefaultThreads
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("LLMLAB_THREADS");
            if (!string.IsNullOrEmpty(env) && int.TryParse(env, out int n) && n > 0) return n;
            return Environment.ProcessorCount;
        }
    }

    /// <summary>Loads libtorch (once) and sets the intra-op thread count to <paramref name="threads"/>; with null, the
    /// first call sets <see cref="DefaultThreads"/> and later calls leave the count as it is. Throws
    /// <see cref="InvalidOperationException"/> with an actionable message when the native library cannot load.</summary>
    public static void EnsureLoaded(int? threads = null)
    {
        lock (Gate)
        {
            bool first = !_loaded;
            if (first)
            {
                try
                {
                    InitializeDeviceType(DeviceType.CPU);
                }
                catch (Exception e) when (e is not InvalidOperationException)
                {
                    throw new InvalidOperationException(
                        "libtorch could not be loaded. On Linux with a libstdc++ older than GCC 13, build with the " +
                        "project's MSBuild files (they patch libLibTorchSharp.so in the output folder); see " +
                        "docs/architecture.md. Cause: " + e.Message, e);
                }
                _loaded = true;
            }
            // Without a thread count, keep the one already chosen (a library call must not undo the caller's --threads);
            // the first load takes the default.
            if (threads is null && !first) return;
            int t = threads ?? DefaultThreads;
            if (t < 1) throw new ArgumentOutOfRangeException(nameof(threads), $"threads must be >= 1 (got {t})");
            if (torch.get_num_threads() != t) torch.set_num_threads(t);
        }
    }

    /// <summary>Resolves a device name from config: "cpu", "cuda", "cuda:N" or "auto" (CUDA when available).</summary>
    public static Device ResolveDevice(string name)
    {
        EnsureLoaded();
        string n = name.Trim().ToLowerInvariant();
        if (n == "auto") return cuda.is_available() ? CUDA : CPU;
        if (n == "cpu") return CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new ArgumentException($"device '{name}' requested but CUDA is not available " +
                                            "(build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use device=cpu)");
            return new Device(n);
        }
        throw new ArgumentException($"unknown device '{name}': use cpu, cuda, cuda:N or auto");
    }

    /// <summary>The libtorch version string reported by the native library.</summary>
    public static string Version => "TorchSharp " + typeof(torch).Assembly.GetName().Version + " / libtorch " + torch.__version__;
}
