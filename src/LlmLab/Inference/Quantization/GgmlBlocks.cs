namespace LlmLab.Inference.Quantization;

/// <summary>
/// llama.cpp's Q8_0 and Q4_0 block formats, byte for byte as ggml lays them out (ggml-common.h <c>block_q8_0</c>,
/// <c>block_q4_0</c>; reference quantizers <c>quantize_row_q8_0_ref</c>/<c>quantize_row_q4_0_ref</c> in ggml-quants.c).
/// A row of n weights (n a multiple of 32) is n/32 blocks:
/// <list type="bullet">
/// <item>Q8_0, 34 bytes: d (IEEE fp16, little-endian) = absmax/127, then 32 int8 qᵢ = round(xᵢ/d); xᵢ ≈ d·qᵢ.</item>
/// <item>Q4_0, 18 bytes: d (fp16) = m/−8 where m is the block's weight of largest magnitude with its sign, then 16 bytes;
/// byte j holds weight j in its low nibble and weight j + 16 in its high nibble, each q = min(15, trunc(x/d + 8.5));
/// xᵢ ≈ d·(qᵢ − 8). (With the sign kept, m itself maps exactly to q = 0, i.e. −8·d = m.)</item>
/// </list>
/// Stateless and thread-safe.
/// </summary>
public static class GgmlBlocks
{
    /// <summary>Weights per block.</summary>
    public const int BlockSize = 32;

    /// <summary>Bytes per Q8_0 block.</summary>
    public const int Q8_0Bytes = 2 + BlockSize;

    /// <summary>Bytes per Q4_0 block.</summary>
    public const int Q4_0Bytes = 2 + BlockSize / 2;

    /// <summary>Quantizes <paramref name="x"/> (length a multiple of 32) to Q8_0 blocks.</summary>
    public static byte[] QuantizeQ8_0(ReadOnlySpan<float> x)
    {
        CheckLength(x.Length);
        var bytes = new byte[x.Length / BlockSize * Q8_0Bytes];
        for (int b = 0; b < x.Length / BlockSize; b++)
        {
            var block = x.Slice(b * BlockSize, BlockSize);
            float amax = 0;
            foreach (float v in block) amax = Math.Max(amax, Math.Abs(v));
            float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
            var o = bytes.AsSpan(b * Q8_0Bytes, Q8_0Bytes);
            BitConverter.TryWriteBytes(o, (Half)d);
            for (int j = 0; j < BlockSize; j++) o[2 + j] = (byte)(sbyte)MathF.Round(block[j] * id, MidpointRounding.AwayFromZero); // as C's roundf
        }
        return bytes;
    }

    /// <summary>Weights from Q8_0 blocks: xᵢ = d·qᵢ with d read back as fp16.</summary>
    public static float[] DequantizeQ8_0(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Q8_0Bytes != 0) throw new ArgumentException($"Q8_0 data must be a whole number of {Q8_0Bytes}-byte blocks (got {bytes.Length} bytes)");
        var x = new float[bytes.Length / Q8_0Bytes * BlockSize];
        for (int b = 0; b < x.Length / BlockSize; b++)
        {
            var o = bytes.Slice(b * Q8_0Bytes, Q8_0Bytes);
            float d = (float)BitConverter.ToHalf(o);
            for (int j = 0; j < BlockSize; j++) x[b * BlockSize + j] = d * (sbyte)o[2 + j];
        }
        return x;
    }

    /// <summary>Quantizes <paramref name="x"/> (length a multiple of 32) to Q4_0 blocks.</summary>
    public static byte[] QuantizeQ4_0(ReadOnlySpan<float> x)
    {
        CheckLength(x.Length);
        var bytes = new byte[x.Length / BlockSize * Q4_0Bytes];
        for (int b = 0; b < x.Length / BlockSize; b++)
        {
            var block = x.Slice(b * BlockSize, BlockSize);
            float amax = 0, max = 0;
            foreach (float v in block)
                if (Math.Abs(v) > amax) (amax, max) = (Math.Abs(v), v);
            float d = max / -8f, id = d != 0 ? 1f / d : 0f;
            var o = bytes.AsSpan(b * Q4_0Bytes, Q4_0Bytes);
            BitConverter.TryWriteBytes(o, (Half)d);
            for (int j = 0; j < BlockSize / 2; j++)
            {
                int lo = Math.Min(15, (int)(sbyte)(block[j] * id + 8.5f));          // C's (int8_t) cast truncates toward zero
                int hi = Math.Min(15, (int)(sbyte)(block[j + BlockSize / 2] * id + 8.5f));
                o[2 + j] = (byte)(lo | (hi << 4));
            }
        }
        return bytes;
    }

    /// <summary>Weights from Q4_0 blocks: xᵢ = d·(qᵢ − 8).</summary>
    public static float[] DequantizeQ4_0(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Q4_0Bytes != 0) throw new ArgumentException($"Q4_0 data must be a whole number of {Q4_0Bytes}-byte blocks (got {bytes.Length} bytes)");
        var x = new float[bytes.Length / Q4_0Bytes * BlockSize];
        for (int b = 0; b < x.Length / BlockSize; b++)
        {
            var o = bytes.Slice(b * Q4_0Bytes, Q4_0Bytes);
            float d = (float)BitConverter.ToHalf(o);
            for (int j = 0; j < BlockSize / 2; j++)
            {
                x[b * BlockSize + j] = d * ((o[2 + j] & 0x0F) - 8);
                x[b * BlockSize + j + BlockSize / 2] = d * ((o[2 + j] >> 4) - 8);
            }
        }
        return x;
    }

    static void CheckLength(int n)
    {
        if (n % BlockSize != 0) throw new ArgumentException($"ggml block formats need a multiple of {BlockSize} weights per row (got {n})");
    }
}
