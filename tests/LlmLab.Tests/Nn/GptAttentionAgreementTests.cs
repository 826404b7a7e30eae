using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The model with each attention kernel, same weights: logits and every parameter's gradient within 1e-5 (fp32).</summary>
public sealed class GptAttentionAgreementTests
{
    static (Tensor Logits, Dictionary<string, Tensor> Grads) Run(GptConfig config)
    {
        using var model = GptTestModels.BuildIdentical(config);
        model.train(); // dropout is 0: training mode changes nothing but is where gradients are taken
        var x = GptTestModels.Tokens(2, 24, config.VocabSize);
        var y = GptTestModels.Tokens(2, 24, config.VocabSize, seed: 8);
        var (logits, loss) = model.Forward(x, y);
        loss.backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        return (logits.detach(), grads);
    }

    [Theory]
    [InlineData(AttentionKernel.Sdpa, "learned")]
    [InlineData(AttentionKernel.Sdpa, "rope-gqa-swiglu-rmsnorm")]
    [InlineData(AttentionKernel.Tiled, "learned")]
    [InlineData(AttentionKernel.Tiled, "rope-gqa-swiglu-rmsnorm")]
    public void Kernels_agree_with_naive_forward_and_backward(AttentionKernel kernel, string variant)
    {
        using var scope = NewDisposeScope();
        var config = GptTestModels.Variant(variant);
        var (naiveLogits, naiveGrads) = Run(config with { Attention = AttentionKernel.Naive });
        var (logits, grads) = Run(config with { Attention = kernel });
        TensorAssert.Close(logits, naiveLogits, $"{kernel} vs naive logits ({variant})", GptTestModels.Fp32);
        Assert.Equal(naiveGrads.Keys.Order(), grads.Keys.Order());
        foreach (var (name, g) in naiveGrads)
            TensorAssert.Close(grads[name], g, $"{kernel} vs naive gradient of {name} ({variant})", GptTestModels.Fp32);
    }

    [Fact]
    public void Kernels_agree_when_decoding_with_a_cache()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var config = GptTestModels.Variant("rope");
        var x = GptTestModels.Tokens(1, 10, config.VocabSize);
        Tensor Decode(AttentionKernel kernel)
        {
            using var model = GptTestModels.BuildIdentical(config with { Attention = kernel });
            using var cache = ContiguousKvCache.For(model.Config);
            return cat([model.Forward(x[.., ..6], cache), model.Forward(x[.., 6..], cache)], 1);
        }
        TensorAssert.Close(Decode(AttentionKernel.Sdpa), Decode(AttentionKernel.Naive), "SDPA vs naive, 6 cached + 4 new", GptTestModels.Fp32);
    }
}
