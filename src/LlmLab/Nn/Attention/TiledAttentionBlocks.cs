namespace LlmLab.Nn.Attention;

/// <summary>
/// Tile sizes of <see cref="TiledAttention"/>: <paramref name="Query"/> query rows (the paper's B_r) against
/// <paramref name="Key"/> key/value columns (B_c) per step. Larger tiles mean fewer libtorch calls (each costs a few
/// microseconds of dispatch from C#) but larger (B·nh, B_r, B_c) score tiles, which should stay within the CPU's L2 cache.
/// </summary>
/// <param name="Query">Query rows per tile, B_r (≥ 1).</param>
/// <param name="Key">Key/value columns per tile, B_c (≥ 1).</param>
public sealed record TiledAttentionBlocks(int Query, int Key)
{
    /// <summary>
    /// 128 × 128: a (4 heads, 128, 128) fp32 score tile is 256 KiB, within a typical 512 KiB–2 MiB L2 cache per core,
    /// and each of the tile's two matmuls does 2·128·128·64 ≈ 2.1 MFLOP per head at head dim 64, enough to amortise the
    /// call overhead. FlashAttention-2's CUDA kernels use 64–128 (Dao 2023, §3.3). A starting point until
    /// <c>llmlab bench attention --blocks</c> has been run on a quiet machine.
    /// </summary>
    public static TiledAttentionBlocks Default { get; } = new(128, 128);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless both sizes are ≥ 1.</summary>
    public void Validate()
    {
        if (Query < 1) throw new ArgumentOutOfRangeException(nameof(Query), $"query block size must be >= 1 (got {Query})");
        if (Key < 1) throw new ArgumentOutOfRangeException(nameof(Key), $"key block size must be >= 1 (got {Key})");
    }

    /// <summary>"128x128" (query × key), the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => $"{Query}x{Key}";

    /// <summary>Reads "128x64" (query × key) or "128" (both); throws <see cref="FormatException"/> otherwise.</summary>
    public static TiledAttentionBlocks Parse(string text)
    {
        string[] parts = text.Trim().ToLowerInvariant().Split('x', '×');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1))
            throw new FormatException($"block sizes '{text}': write QUERYxKEY with positive integers, e.g. 128x128 (or one number for both)");
        int q = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        return new(q, parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : q);
    }
}
