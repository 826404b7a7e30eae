using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The config's activation_function: exact erf GELU by default (old configs unchanged), the tanh approximation
/// on request, each checked against libtorch's own GELU and against the formula.</summary>
public sealed class GptGeluTests
{
    public GptGeluTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>c_proj(gelu(c_fc(x))) from the MLP's own parameters, with libtorch's GELU in the given form.</summary>
    static Tensor Reference(GptMlp mlp, Tensor x, bool tanh)
    {
        var p = mlp.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var h = nn.functional.linear(x, p["c_fc.weight"], p["c_fc.bias"]);
        h = tanh ? nn.functional.gelu(h, TorchSharp.Modules.GELU.Approximate.tanh) : nn.functional.gelu(h);
        return nn.functional.linear(h, p["c_proj.weight"], p["c_proj.bias"]);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("gelu", false)]
    [InlineData("gelu_new", true)]
    [InlineData("gelu_pytorch_tanh", true)]
    public void The_mlp_computes_libtorch_s_gelu_in_the_configured_form(string? activation, bool tanh)
    {
        using var scope = NewDisposeScope();
        var config = GptTestModels.Tiny with { ActivationFunction = activation };
        Assert.Equal(tanh, config.TanhGelu);
        Seeding.SeedTorch(5);
        using var mlp = new GptMlp(config);
        mlp.eval();
        var x = randn(2, 7, config.Width) * 3;
        using var noGrad = no_grad();
        TensorAssert.Close(mlp.call(x), Reference(mlp, x, tanh), $"MLP with activation_function {activation ?? "(missing)"}",
            GptTestModels.Fp32);
        // The other form differs measurably, so the key reaches the MLP.
        Assert.True((mlp.call(x) - Reference(mlp, x, !tanh)).abs().max().item<float>() > 1e-5f);
    }

    [Fact]
    public void Libtorch_s_tanh_gelu_is_gpt2_s_formula()
    {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in fp64 (Hendrycks & Gimpel 2016; GPT-2's gelu).
        using var scope = NewDisposeScope();
        var x = linspace(-6, 6, 241, dtype: ScalarType.Float64);
        var formula = x * 0.5 * ((x + x.pow(3) * 0.044715) * Math.Sqrt(2 / Math.PI)).tanh().add(1);
        TensorAssert.Close(nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh), formula, "libtorch gelu(tanh) vs formula",
            new(1e-12, 1e-12));
        // And it is not the erf form: they differ by up to ~5e-4 here.
        double gap = (nn.functional.gelu(x) - formula).abs().max().item<double>();
        Assert.InRange(gap, 1e-5, 1e-3);
    }

    [Fact]
    public void A_config_without_the_key_is_exact_gelu_and_the_key_round_trips()
    {
        var old = GptConfig.FromJson("""{"vocab_size": 50, "n_positions": 32, "n_embd": 32, "n_layer": 1, "n_head": 4}""");
        Assert.Null(old.ActivationFunction);
        Assert.False(old.TanhGelu);
        Assert.DoesNotContain("activation_function", old.ToJson());
        var tanh = old with { ActivationFunction = "gelu_new" };
        Assert.Equal(tanh, GptConfig.FromJson(tanh.ToJson()));
    }

    [Theory]
    [InlineData("relu", "mlp", "gelu", "must be gelu")]
    [InlineData("gelu_new", "mlp", "swiglu", "applies to the gelu MLP")]
    public void An_activation_the_mlp_cannot_compute_is_refused_by_key(string activation, string key, string mlp, string message)
    {
        string json = $$"""{"vocab_size": 50, "n_positions": 32, "n_embd": 32, "n_layer": 1, "n_head": 4, """ +
            $$""" "{{key}}": "{{mlp}}", "activation_function": "{{activation}}"}""";
        var e = Assert.Throws<InputException>(() => GptConfig.FromJson(json));
        Assert.Contains("activation_function", e.Message);
        Assert.Contains(message, e.Message);
    }
}
