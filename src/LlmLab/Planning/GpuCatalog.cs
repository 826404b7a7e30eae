namespace LlmLab.Planning;

/// <summary>
/// Common GPUs for serving and training LLMs, from NVIDIA's datasheets. Capacities: vendors write "80GB" for memory
/// that is 80 GiB (nvidia-smi shows an A100 80GB as 81,920 MiB), so capacities here are n·2^30 bytes; the driver
/// keeps a few hundred MiB of that for itself, which <see cref="InferenceMemoryOptions.OverheadBytes"/> stands for.
/// Peak FLOP/s are dense 16-bit tensor figures (datasheets also print a 2× "with sparsity" figure). Thread-safe.
/// </summary>
public static class GpuCatalog
{
    const long GiB = 1L << 30;
    const double GBs = 1e9, TFlops = 1e12;

    /// <summary>Every GPU of the catalogue, smallest memory first.</summary>
    public static IReadOnlyList<GpuSpec> All { get; } =
    [
        // NVIDIA T4 datasheet: 16 GB GDDR6, 320+ GB/s; 65 TFLOPS mixed-precision FP16 (Turing has no bf16: the fp16 peak is given).
        new("T4 16GB", 16 * GiB, 320 * GBs, 65 * TFlops),
        // NVIDIA L4 datasheet: 24 GB GDDR6, 300 GB/s; BF16 tensor 242 TFLOPS with sparsity → 121 dense.
        new("L4 24GB", 24 * GiB, 300 * GBs, 121 * TFlops),
        // NVIDIA A10 datasheet: 24 GB GDDR6, 600 GB/s; BF16 tensor 125 TFLOPS (250 with sparsity).
        new("A10 24GB", 24 * GiB, 600 * GBs, 125 * TFlops),
        // NVIDIA Ada GPU architecture whitepaper (RTX 4090): 24 GB GDDR6X, 1,008 GB/s; BF16 tensor with FP32 accumulate 165.2 TFLOPS.
        new("RTX 4090 24GB", 24 * GiB, 1008 * GBs, 165.2 * TFlops),
        // NVIDIA A100 datasheet (SXM): 40 GB HBM2 at 1,555 GB/s; BF16 tensor 312 TFLOPS.
        new("A100 40GB", 40 * GiB, 1555 * GBs, 312 * TFlops),
        // NVIDIA A100 datasheet (SXM): 80 GB HBM2e at 2,039 GB/s; BF16 tensor 312 TFLOPS.
        new("A100 80GB", 80 * GiB, 2039 * GBs, 312 * TFlops),
        // NVIDIA H100 datasheet (SXM): 80 GB HBM3 at 3.35 TB/s; BF16 tensor 1,979 TFLOPS with sparsity → 989.5 dense.
        new("H100 SXM 80GB", 80 * GiB, 3350 * GBs, 989.5 * TFlops),
        // NVIDIA H200 datasheet (SXM): 141 GB HBM3e at 4.8 TB/s; BF16 tensor 1,979 TFLOPS with sparsity → 989.5 dense.
        new("H200 141GB", 141 * GiB, 4800 * GBs, 989.5 * TFlops),
    ];

    /// <summary>
    /// The GPU of that name, ignoring case, spaces, dashes and underscores ("a100-80gb", "H100 SXM 80GB"), or a
    /// prefix that names one GPU only ("h100", "4090"); <see cref="InputException"/> listing the names otherwise.
    /// </summary>
    public static GpuSpec Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = Key(name);
        var exact = All.FirstOrDefault(g => Key(g.Name) == key);
        if (exact != null) return exact;
        var partial = key.Length == 0 ? [] : All.Where(g => Key(g.Name).StartsWith(key, StringComparison.Ordinal)
                                                             || Key(g.Name).StartsWith("rtx" + key, StringComparison.Ordinal)).ToList();
        return partial.Count == 1 ? partial[0]
            : throw new InputException(
                $"unknown GPU '{name}'{(partial.Count > 1 ? " (ambiguous)" : "")}: use one of " +
                $"{string.Join(", ", All.Select(g => g.Name))}");
    }

    static string Key(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
