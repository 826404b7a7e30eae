using LlmLab.Inference.Quantization;
using LlmLab.Tests.Nn;

namespace LlmLab.Tests.Inference;

public class QuantizationTests
{
    static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.05f).ToArray();
    }

    [Fact]
    public void Q8_0_block_layout_is_an_fp16_scale_then_32_int8()
    {
        // Weights k/127 · 2 for k = −16 … 15: absmax = 32/127, d = 2/127, q = k exactly.
        float[] x = Enumerable.Range(-16, 32).Select(k => k * 2f / 127f).ToArray();
        byte[] b = GgmlBlocks.QuantizeQ8_0(x);
        Assert.Equal(34, b.Length);
        Assert.Equal((Half)(32f / 127f / 127f), BitConverter.ToHalf(b, 0));
        // q = round(x/d) with d = absmax/127 = (16·2/127)/127: the largest magnitude maps to −127.
        Assert.Equal(-127, (sbyte)b[2]);
        Assert.Equal(0, (sbyte)b[2 + 16]);
        Assert.Equal(119, (sbyte)b[2 + 31]); // 15/16 · 127 = 119.06
    }

    [Fact]
    public void Q4_0_block_layout_packs_weight_j_low_and_j_plus_16_high()
    {
        // d = m / −8 with m = −8 (largest magnitude, sign kept) → d = 1; q = trunc(x + 8.5): x = q − 8 exactly.
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) { x[j] = j - 8; x[j + 16] = 7 - j; }
        byte[] b = GgmlBlocks.QuantizeQ4_0(x);
        Assert.Equal(18, b.Length);
        Assert.Equal((Half)1f, BitConverter.ToHalf(b, 0));
        for (int j = 0; j < 16; j++) Assert.Equal((byte)(j | ((15 - j) << 4)), b[2 + j]);
        Assert.Equal(x, GgmlBlocks.DequantizeQ4_0(b)); // a block the format represents exactly round-trips exactly
    }

    [Fact]
    public void Q4_0_maps_the_largest_magnitude_weight_exactly_whatever_its_sign()
    {
        float[] x = Random(32, 3);
        x[5] = 0.2f; // the largest, positive: d = −0.025, q = 0 → x = −8·d = 0.2
        var y = GgmlBlocks.DequantizeQ4_0(GgmlBlocks.QuantizeQ4_0(x));
        Assert.Equal((float)(Half)(-0.025f) * -8, y[5], 6);
    }

    [Theory]
    [InlineData(QuantFormat.Q8_0, 8.5, 1.0 / 254)]            // error ≤ d/2 = absmax/254 per weight (+ fp16 scale)
    [InlineData(QuantFormat.Int8PerChannel, 8.0 + 32.0 / 64, 1.0 / 254)]
    [InlineData(QuantFormat.Q4_0, 4.5, 1.0 / 8)]              // d = absmax/8; half a step plus the 8.5 truncation: ≤ d
    [InlineData(QuantFormat.Int4Symmetric, 4.5, 1.0 / 14)]    // group 32, fp16 scale: 4 + 16/32
    [InlineData(QuantFormat.Int4Asymmetric, 4.75, 1.0 / 15)]  // + a zero point byte per group
    // + 1e-3·absmax: the fp16 scale's rounding (relative 2⁻¹¹) times up to 127 steps.
    public void Round_trip_error_and_bits_per_weight_are_bounded_per_format(QuantFormat f, double bits, double maxErrorOverAbsmax)
    {
        int rows = 8, cols = 64;
        float[] w = Random(rows * cols, 11);
        var q = QuantizedMatrix.Quantize(w, rows, cols, f, group: 32);
        Assert.Equal(bits, q.BitsPerWeight, 6);
        var y = q.Dequantize();
        for (int g = 0; g < w.Length; g += 32)
        {
            float amax = w.Skip(g).Take(f == QuantFormat.Int8PerChannel ? cols - g % cols : 32).Max(Math.Abs);
            if (f == QuantFormat.Int8PerChannel) amax = w.Skip(g / cols * cols).Take(cols).Max(Math.Abs);
            for (int i = g; i < g + 32; i++) Assert.True(Math.Abs(w[i] - y[i]) <= amax * (maxErrorOverAbsmax + 1e-3) + 1e-7, $"{f}: weight {i}: |{w[i]} − {y[i]}|");
        }
    }

    [Theory]
    [InlineData(QuantFormat.Int8PerChannel)]
    [InlineData(QuantFormat.Int4Symmetric)]
    [InlineData(QuantFormat.Int4Asymmetric)]
    public void Weights_on_the_format_grid_round_trip_exactly(QuantFormat f)
    {
        // Symmetric int4 with scale 1/8 (an fp16-exact value): multiples −8…7 of it, with ±7/8 present so absmax/7 = 1/8.
        float[] w = Enumerable.Range(0, 64).Select(i => (i % 15 - 7) / 8f).ToArray();
        // Asymmetric with min −1 and max 7/8: scale (7/8 + 1)/15 = 1/8, zero point 8, values (q − 8)/8.
        if (f == QuantFormat.Int4Asymmetric) w = Enumerable.Range(0, 64).Select(i => (i % 16 - 8) / 8f).ToArray();
        // Per-channel int8 with absmax 1: scale 1/127, values k/127.
        if (f == QuantFormat.Int8PerChannel) w = Enumerable.Range(0, 64).Select(i => (i * 4 - 127) / 127f).ToArray();
        var y = QuantizedMatrix.Quantize(w, 1, 64, f, group: 32).Dequantize();
        for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], y[i], 5);
    }

    [Fact]
    public void A_group_that_does_not_divide_the_row_is_refused()
    {
        Assert.Throws<ArgumentException>(() => QuantizedMatrix.Quantize(new float[48], 1, 48, QuantFormat.Int4Symmetric, group: 32));
        Assert.Throws<ArgumentException>(() => QuantizedMatrix.Quantize(new float[48], 1, 48, QuantFormat.Q8_0));
    }

    [Fact]
    public void The_model_quantizer_touches_block_weights_only_and_reports_sizes()
    {
        using var model = GptTestModels.BuildIdentical(GptTestModels.Tiny);
        var wte = model.named_parameters().First(p => p.name == "wte.weight").parameter.clone();
        var s = ModelQuantizer.Apply(model, QuantFormat.Q8_0);
        Assert.Equal(2 * 4, s.Tensors); // per layer: c_attn, attn c_proj, c_fc, mlp c_proj
        Assert.Equal(2 * (32 * 96 + 32 * 32 + 32 * 128 + 128 * 32), s.Weights);
        Assert.Equal(8.5, s.BitsPerWeight, 6);
        Assert.InRange(s.RelativeError, 1e-4, 1e-2);
        Assert.True(model.named_parameters().First(p => p.name == "wte.weight").parameter.equal(wte).all().item<bool>());
        Assert.Equal(model.ParameterCount * 4 - s.Weights * 4 + s.QuantizedBytes, s.ModelBytes);
    }
}
