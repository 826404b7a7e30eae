using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>ggml's fp16 GELU table against a brute-force scalar version of its rule (fp16 input, fp32 tanh GELU as ggml writes
/// it, fp16 output; exact beyond ±10), and the model switch that uses it.</summary>
public sealed class Fp16GeluTableTests
{
    public Fp16GeluTableTests() => TorchRuntime.EnsureLoaded(1);

    static float BruteForce(float x)
    {
        if (x <= -10) return 0;
        if (x >= 10) return x;
        float h = (float)(Half)x;
        float g = 0.5f * h * (1 + MathF.Tanh(0.7978845608f * h * (1 + 0.044715f * h * h)));
        return (float)(Half)g;
    }

    [Fact]
    public void The_table_gelu_equals_the_brute_force_rule()
    {
        var rng = new Random(5);
        float[] x = Enumerable.Range(0, 20_000).Select(_ => (float)((rng.NextDouble() - 0.5) * 30)).ToArray();
        using var scope = NewDisposeScope();
        float[] y = Fp16GeluTable.Apply(tensor(x)).data<float>().ToArray();
        // libtorch's tanh and libm's/.NET's may differ in the last fp32 bit, which can move an fp16 rounding by one step.
        // Below x = −4, 1 + tanh(…) cancels (tanh ≈ −1), so each fp32 tanh leaves an absolute error of ~1e-7 in GELU there:
        // ggml's own table carries it too. There only |Δ| ≤ 5e-7 is asked.
        int differ = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float expected = BruteForce(x[i]), delta = MathF.Abs(y[i] - expected);
            if (x[i] < -4) { Assert.True(delta <= 5e-7f, $"x = {x[i]}: {y[i]} vs {expected}"); continue; }
            if (delta == 0) continue;
            differ++;
            float ulp = MathF.Max(MathF.Abs(expected), 6.1e-5f) / 1024;
            Assert.True(delta <= ulp * 1.01f, $"x = {x[i]}: {y[i]} vs {expected}");
        }
        Assert.True(differ <= x.Length / 1000, $"{differ} of {x.Length} values differ by one fp16 step");
        Assert.Equal(0f, y[Array.FindIndex(x, v => v <= -10)]);
        int big = Array.FindIndex(x, v => v >= 10);
        Assert.Equal(x[big], y[big]);
    }

    [Fact]
    public void The_model_switch_reads_the_table_and_off_is_the_configured_gelu()
    {
        var config = GptTestModels.Tiny with { ActivationFunction = "gelu_new" };
        using var model = GptTestModels.BuildIdentical(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = GptTestModels.Tokens(1, 16, config.VocabSize);
        var plain = model.forward(tokens);
        model.ActivationRounding = ActivationRounding.GeluFp16;
        float moved = (model.forward(tokens) - plain).abs().max().item<float>();
        model.ActivationRounding = ActivationRounding.None;
        Assert.InRange(moved, 1e-7f, 1e-2f); // fp16 rounding of the MLP's activations: small but not nothing
        Assert.Equal(0f, (model.forward(tokens) - plain).abs().max().item<float>());
    }
}
