using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// llama.cpp's rounding of activations before a product with Q8_0 or Q4_0 weights: its CPU backend multiplies a quantized
/// matrix by the activations only after converting them to Q8_0 blocks themselves (the weight type's <c>vec_dot_type</c>),
/// then takes an integer dot product per block. Along the last dimension, in blocks of 32:
/// <list type="number">
/// <item>m = max |xᵢ| over the block; d = m / 127, stored as fp16 (round to nearest even).</item>
/// <item>qᵢ = round(xᵢ · (127 / m)) (0 when m = 0), with ties to even: ggml's x86 <c>quantize_row_q8_0</c> (AVX/AVX2) scales by
/// 127 / m and rounds with <c>_mm256_round_ps(…, _MM_ROUND_NEAREST)</c>. (Its portable reference,
/// <c>quantize_row_q8_0_ref</c>, scales by 1/d and rounds ties away from zero, as roundf; the two differ only when xᵢ·127/m
/// lands within an ulp of a half, and this file follows the x86 path, which is the one the peer runs here.)</item>
/// <item>xᵢ ≈ fp16(d) · qᵢ, exact in fp32 (a 7-bit integer times an 11-bit mantissa).</item>
/// </list>
/// The product of the rounded activations with the dequantized weights then equals llama.cpp's per-block
/// d_x·d_w·Σ q_x·q_w up to fp32 summation order. Stateless and thread-safe.
/// </summary>
public static class Q8_0Activations
{
    /// <summary>Values per block.</summary>
    public const int BlockSize = 32;

    /// <summary>x (…, n), n a multiple of 32 → x rounded to Q8_0 blocks along the last dimension, a new tensor of x's
    /// dtype (computed in fp32).</summary>
    /// <exception cref="ArgumentException">The last dimension is not a multiple of 32.</exception>
    public static Tensor Round(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long n = x.shape[^1];
        if (n % BlockSize != 0)
            throw new ArgumentException($"Q8_0 activation rounding needs a last dimension that is a multiple of {BlockSize} " +
                $"(got {n})", nameof(x));
        using var scope = NewDisposeScope();
        var blocks = x.to(ScalarType.Float32).reshape(-1, n / BlockSize, BlockSize);           // (R, n/32, 32)
        var m = blocks.abs().amax(new long[] { -1 }, keepdim: true);                                      // (R, n/32, 1)
        var zero = m.eq(0);
        // True divisions (not multiplications by a reciprocal), as the C code computes them.
        var scale = full_like(m, 127f).div(m.masked_fill(zero, 1)).masked_fill(zero, 0);     // 127 / m, 0 for m = 0
        var q = blocks.mul(scale).round();                                                     // ties to even
        var d = m.div(full_like(m, 127f)).to(ScalarType.Float16).to(ScalarType.Float32);      // fp16(m / 127)
        return q.mul(d).reshape(x.shape).to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Round"/>(x) when <paramref name="rounding"/> has <see cref="ActivationRounding.Q8_0"/> and x's last
    /// dimension is a whole number of blocks, else x itself. A product whose input is not a whole number of 32-value blocks
    /// has no Q8_0 weights (our GGUF export, like llama.cpp's quantizer, stores that matrix in f16, and llama.cpp then rounds
    /// its activations to f16, which is not emulated here).</summary>
    public static Tensor Apply(Tensor x, ActivationRounding rounding) =>
        rounding.HasFlag(ActivationRounding.Q8_0) && x.shape[^1] % BlockSize == 0 ? Round(x) : x;
}
