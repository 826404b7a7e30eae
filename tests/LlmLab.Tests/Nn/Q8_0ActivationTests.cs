using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>Q8_0 activation rounding (llama.cpp's arithmetic before products with quantized weights) against a brute-force
/// scalar loop of ggml's x86 rule, its tie rule on a hand-made block, and the model switch that applies it.</summary>
public sealed class Q8_0ActivationTests
{
    public Q8_0ActivationTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>ggml's x86 quantize_row_q8_0, one value at a time: m = max|x|, d = fp16(m/127), q = round-half-even(x·127/m).</summary>
    static float[] BruteForce(float[] x)
    {
        var y = new float[x.Length];
        for (int b = 0; b < x.Length; b += 32)
        {
            float m = 0;
            for (int j = 0; j < 32; j++) m = Math.Max(m, Math.Abs(x[b + j]));
            float d = (float)(Half)(m / 127f), id = m != 0 ? 127f / m : 0f;
            for (int j = 0; j < 32; j++) y[b + j] = d * MathF.Round(x[b + j] * id, MidpointRounding.ToEven);
        }
        return y;
    }

    [Fact]
    public void Rounding_equals_the_brute_force_rule_bit_for_bit()
    {
        var rng = new Random(3);
        // Blocks at very different scales, one all-zero block and one with a single non-zero value.
        var x = new float[6 * 96];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() - 0.5) * Math.Pow(10, (i / 32) % 5 - 2));
        for (int i = 32; i < 64; i++) x[i] = 0;
        for (int i = 64; i < 96; i++) x[i] = i == 70 ? -3.25f : 0;
        using var scope = NewDisposeScope();
        float[] actual = Q8_0Activations.Round(tensor(x, [6, 96])).data<float>().ToArray();
        float[] expected = BruteForce(x);
        var differ = Enumerable.Range(0, x.Length).Where(i => actual[i] != expected[i]).ToList();
        Assert.True(differ.Count == 0, $"{differ.Count} of {x.Length} values differ; first at {differ.FirstOrDefault()}: " +
            $"{(differ.Count > 0 ? $"{actual[differ[0]]} vs {expected[differ[0]]}" : "")}");
        Assert.All(actual.Skip(32).Take(32), v => Assert.Equal(0f, v));
        Assert.Equal(-3.25f, actual[70], 3); // the block's maximum survives (q = −127)
    }

    [Fact]
    public void Ties_round_to_even_as_the_x86_path_does()
    {
        // m = 127 makes 127/m = 1, so q = round(x): 2.5 → 2 and 3.5 → 4 (ggml's portable reference, roundf, would give 3 and 4).
        var x = new float[32];
        x[0] = 127; x[1] = 2.5f; x[2] = 3.5f; x[3] = -2.5f;
        using var scope = NewDisposeScope();
        float[] y = Q8_0Activations.Round(tensor(x)).data<float>().ToArray();
        Assert.Equal([127f, 2f, 4f, -2f], y.Take(4));
    }

    [Fact]
    public void Rounding_twice_changes_nothing_and_a_bad_width_is_refused()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var once = Q8_0Activations.Round(randn(3, 5, 64));
        Assert.Equal(0f, (Q8_0Activations.Round(once) - once).abs().max().item<float>());
        Assert.Throws<ArgumentException>(() => Q8_0Activations.Round(randn(2, 40)));
        // A product whose input is not whole blocks has no Q8_0 weights: Apply leaves it alone.
        var odd = randn(2, 40);
        Assert.Same(odd, Q8_0Activations.Apply(odd, ActivationRounding.Q8_0));
    }

    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void The_model_switch_rounds_every_product_and_off_is_the_plain_forward(string variant)
    {
        // An MLP width that is a whole number of 32-value blocks (SwiGLU's default here is 88).
        using var model = GptTestModels.BuildIdentical(GptTestModels.Variant(variant) with { IntermediateSize = 96 });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = GptTestModels.Tokens(2, 12, model.Config.VocabSize);
        var plain = model.forward(tokens);
        model.ActivationRounding = ActivationRounding.Q8_0;
        var rounded = model.forward(tokens);
        using var cache = ContiguousKvCache.For(model.Config);
        var cached = model.Forward(tokens, cache);
        model.ActivationRounding = ActivationRounding.None;
        Assert.Equal(0f, (model.forward(tokens) - plain).abs().max().item<float>());
        float moved = (rounded - plain).abs().max().item<float>();
        Assert.InRange(moved, 1e-6f, 0.05f); // 8-bit activations: a visible but small change
        TensorAssert.Close(cached, rounded, "cached vs plain forward with Q8_0 activations", GptTestModels.Fp32);
    }
}
