using System.Globalization;
using System.Runtime.InteropServices;

namespace LlmLab.Nn.Attention;

/// <summary>
/// Measures how far one call raises the process's peak resident memory (Linux with glibc): the peak is reset to the
/// current resident size (<c>/proc/self/clear_refs</c>, value 5, Linux ≥ 4.0, proc(5)), the call runs, and the result
/// is <c>VmHWM</c> (the new peak) minus the resident size at the reset, from <c>/proc/self/status</c>.
/// <para>Freed memory that is still resident would let a call reuse pages without raising the peak, so for the call
/// glibc is told (<c>mallopt</c>) to serve every block of 128 KiB or more with its own mapping, returned to the kernel
/// when freed, and free heap pages are released first (<c>malloc_trim</c>). The resident growth is then the bytes of
/// the blocks the call held at its worst moment: libtorch's tensors (its CPU allocator calls malloc), its per-thread
/// buffers, and whatever else the process allocated meanwhile. Afterwards the thresholds are left at glibc's steady
/// state (blocks from 32 MiB mapped, heap trimmed past 64 MiB: what its adaptive thresholds reach once a large block has
/// been freed, which any libtorch workload does at once).</para>
/// <para>Resolution (<see cref="ResolutionBytes"/>): the kernel counts resident pages per CPU and folds them into the
/// total in batches (percpu_counter, Linux ≥ 6.2), so each reading may be off by up to CPUs × batch pages; blocks under
/// 128 KiB may also reuse freed heap. Not thread-safe: other threads of the process that allocate meanwhile are counted.</para>
/// </summary>
public static class PeakResidentMemory
{
    const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";
    static readonly Lazy<bool> Available = new(Probe);

    /// <summary>Whether this process can reset and read its peak (Linux with a writable <c>clear_refs</c>).</summary>
    public static bool Supported => Available.Value;

    /// <summary>
    /// How far a measurement may be off: two readings, each off by up to CPUs × max(32, 2·CPUs) pages (the per-CPU
    /// batch of the kernel's resident-page counters, <c>percpu_counter_batch</c>). 512 KiB with 2 CPUs, 4 MiB with 16:
    /// trust figures several times larger.
    /// </summary>
    public static long ResolutionBytes
    {
        get
        {
            long cpus = Environment.ProcessorCount;
            return 2 * cpus * Math.Max(32, 2 * cpus) * Environment.SystemPageSize;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> and returns the bytes by which it raised the resident peak (≥ 0), or null where
    /// <see cref="Supported"/> is false (the action still runs). Collect garbage first so that tensors awaiting
    /// finalisation are freed before the baseline.
    /// </summary>
    public static long? Measure(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!Supported) { action(); return null; }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        bool tuned = Tune(SmallMapThreshold, SmallMapThreshold);
        try
        {
            Trim();
            Settle();
            File.WriteAllText(ClearRefs, "5");
            long baseline = ReadKib("VmHWM");
            action();
            long peak = ReadKib("VmHWM");
            return Math.Max(0, peak - baseline) * 1024;
        }
        finally
        {
            if (tuned) Tune(SteadyMapThreshold, 2 * SteadyMapThreshold);
        }
    }

    /// <summary>
    /// Waits (up to 0.3 s) until the resident size stops moving: the runtime's garbage collector returns freed regions to
    /// the kernel in the background after a collection, and a drop in the resident size during the measured call would
    /// hide as much of the call's growth.
    /// </summary>
    static void Settle()
    {
        long last = ReadKib("VmRSS");
        for (int i = 0; i < 30; i++)
        {
            Thread.Sleep(10);
            long now = ReadKib("VmRSS");
            if (Math.Abs(now - last) < 64) return; // KiB
            last = now;
        }
    }

    static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText(ClearRefs, "5");
            return ReadKib("VmHWM") > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    // glibc's mallopt parameters (malloc.h) and thresholds: 128 KiB is its initial mmap threshold, 32 MiB the most its
    // adaptive threshold reaches on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX), with a trim threshold of twice that.
    const int MTrimThreshold = -1, MMmapThreshold = -3;
    const int SmallMapThreshold = 128 * 1024, SteadyMapThreshold = 32 * 1024 * 1024;

    static bool Tune(int mapThreshold, int trimThreshold)
    {
        try { return mallopt(MMmapThreshold, mapThreshold) == 1 && mallopt(MTrimThreshold, trimThreshold) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; } // not glibc
    }

    /// <summary>
    /// Returns free heap pages to the kernel. <c>malloc_trim</c> releases free chunks in every arena but the top of the
    /// main one only; the top of this thread's arena is released by freeing a block next to it (≥ 64 KiB, glibc's
    /// FASTBIN_CONSOLIDATION_THRESHOLD) now that the trim threshold is low.
    /// </summary>
    static void Trim()
    {
        Marshal.FreeHGlobal(Marshal.AllocHGlobal(96 * 1024));
        try { malloc_trim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc (e.g. musl): nothing to trim
    }

    static long ReadKib(string field)
    {
        foreach (string line in File.ReadLines(Status))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new FormatException($"{Status} has no {field} line");
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);
}
