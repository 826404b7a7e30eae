namespace LlmLab.Inference.Quantization;

/// <summary>
/// A (rows × cols) weight matrix (a Linear's (out, in) weight, row-major) in one <see cref="QuantFormat"/>, with the
/// bytes it would take on disk, and its dequantized values. Rows are quantized independently; groups and blocks run
/// along a row (the input dimension), as in GPTQ, AWQ and ggml. Immutable.
/// </summary>
public sealed class QuantizedMatrix
{
    QuantizedMatrix(QuantFormat format, int rows, int cols, int group, long bytes, float[] values) =>
        (Format, Rows, Cols, Group, Bytes, _values) = (format, rows, cols, group, bytes, values);

    readonly float[] _values;

    public QuantFormat Format { get; }
    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Weights per scale: cols for per-channel int8, the group for int4, 32 for the ggml formats.</summary>
    public int Group { get; }

    /// <summary>Storage: packed values + scales (+ zero points), as it would be written.</summary>
    public long Bytes { get; }

    /// <summary>Storage bits per weight (scales included): 8.5 for Q8_0, 4.5 for Q4_0, 4 + 16/g for symmetric int4 with fp16 scales.</summary>
    public double BitsPerWeight => Bytes * 8.0 / ((long)Rows * Cols);

    /// <summary>The weights as the quantized model sees them (a copy).</summary>
    public float[] Dequantize() => (float[])_values.Clone();

    /// <summary>Quantizes <paramref name="w"/> (rows × cols, row-major) by round-to-nearest in <paramref name="format"/>.</summary>
    /// <param name="w">The weights, row-major.</param>
    /// <param name="rows">Output channels.</param>
    /// <param name="cols">Input channels (the row length).</param>
    /// <param name="format">The format.</param>
    /// <param name="group">Group size for the int4 formats (32, 64, 128 …; must divide cols); ignored otherwise.</param>
    /// <exception cref="ArgumentException">A length that is not rows × cols, or a group/block that does not divide cols.</exception>
    public static QuantizedMatrix Quantize(ReadOnlySpan<float> w, int rows, int cols, QuantFormat format, int group = 32)
    {
        if (rows < 1 || cols < 1 || w.Length != (long)rows * cols) throw new ArgumentException($"expected {rows} × {cols} weights, got {w.Length}");
        switch (format)
        {
            case QuantFormat.F32:
                return new(format, rows, cols, cols, 4L * w.Length, w.ToArray());
            case QuantFormat.Q8_0:
                return new(format, rows, cols, GgmlBlocks.BlockSize, (long)w.Length / GgmlBlocks.BlockSize * GgmlBlocks.Q8_0Bytes, GgmlBlocks.DequantizeQ8_0(GgmlBlocks.QuantizeQ8_0(w)));
            case QuantFormat.Q4_0:
                return new(format, rows, cols, GgmlBlocks.BlockSize, (long)w.Length / GgmlBlocks.BlockSize * GgmlBlocks.Q4_0Bytes, GgmlBlocks.DequantizeQ4_0(GgmlBlocks.QuantizeQ4_0(w)));
            case QuantFormat.Int8PerChannel:
                // one fp32 scale per row: 8 bits + 32/cols bits per weight
                return new(format, rows, cols, cols, (long)w.Length + 4L * rows, Groups(w, cols, cols, symmetric: true, levels: 127));
            case QuantFormat.Int4Symmetric:
            case QuantFormat.Int4Asymmetric:
                if (group < 1 || cols % group != 0) throw new ArgumentException($"the int4 group ({group}) must divide the row length ({cols})");
                bool sym = format == QuantFormat.Int4Symmetric;
                long groups = (long)w.Length / group;
                // packed nibbles + an fp16 scale per group (+ a 4-bit zero point per group, rounded up to a byte)
                return new(format, rows, cols, group, (w.Length + 1) / 2 + groups * (sym ? 2 : 3), Groups(w, cols, group, sym, levels: sym ? 7 : 15));
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>
    /// Round-to-nearest in groups of <paramref name="group"/> along each row. Symmetric: s = absmax/levels, q in
    /// [−levels−1, levels] (int8: ±127 used; int4: −8…7), x ≈ s·q. Asymmetric: s = (max − min)/levels, zero point
    /// z = round(−min/s) in 0…levels, q = clamp(round(x/s) + z, 0, levels), x ≈ s·(q − z). Scales are stored in fp16 for
    /// int4 (as GPTQ/AWQ checkpoints do) and fp32 for per-channel int8, and the values returned use the stored scale.
    /// </summary>
    static float[] Groups(ReadOnlySpan<float> w, int cols, int group, bool symmetric, int levels)
    {
        var x = new float[w.Length];
        bool fp16 = group != cols || levels != 127;
        for (int start = 0; start < w.Length; start += group)
        {
            var g = w.Slice(start, group);
            float min = float.MaxValue, max = float.MinValue, amax = 0;
            foreach (float v in g) { min = Math.Min(min, v); max = Math.Max(max, v); amax = Math.Max(amax, Math.Abs(v)); }
            float s = symmetric ? amax / levels : (max - min) / levels;
            if (fp16) s = (float)(Half)s;
            if (s == 0) { g.CopyTo(x.AsSpan(start, group)); continue; } // a constant group is exact
            if (symmetric)
                for (int j = 0; j < group; j++)
                    x[start + j] = s * Math.Clamp(MathF.Round(g[j] / s, MidpointRounding.AwayFromZero), -levels - 1, levels);
            else
            {
                float z = Math.Clamp(MathF.Round(-min / s, MidpointRounding.AwayFromZero), 0, levels);
                for (int j = 0; j < group; j++)
                    x[start + j] = s * (Math.Clamp(MathF.Round(g[j] / s, MidpointRounding.AwayFromZero) + z, 0, levels) - z);
            }
        }
        return x;
    }
}
