using LlmLab.Nn.Gpt;

namespace LlmLab.Tests.Nn;

public sealed class GptInitTests
{
    [Fact]
    public void Weights_start_as_gpt2s_with_scaled_residual_projections()
    {
        // 8 layers: residual projections get 0.02/√16 = 0.005, the rest 0.02.
        using var model = GptTestModels.Build(GptTestModels.Tiny with { Width = 128, Layers = 8, Heads = 4, Context = 64 });
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        double Std(string name) => p[name].std().item<float>();
        Assert.InRange(Std("h.3.attn.c_proj.weight"), 0.0045, 0.0055);
        Assert.InRange(Std("h.3.mlp.c_proj.weight"), 0.0045, 0.0055);
        Assert.InRange(Std("h.3.attn.c_attn.weight"), 0.018, 0.022);
        Assert.InRange(Std("wte.weight"), 0.018, 0.022);
        Assert.InRange(Std("wpe.weight"), 0.018, 0.022);
        Assert.Equal(0, p["h.3.mlp.c_fc.bias"].abs().max().item<float>());
        Assert.Equal(1, p["h.3.ln_1.weight"].min().item<float>());
        Assert.Equal(0, p["ln_f.bias"].abs().max().item<float>());
    }
}
