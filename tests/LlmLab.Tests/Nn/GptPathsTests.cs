using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The GPT's plain path (Gpt.cs), its hidden states, and its cached/ragged path (Gpt.Cached.cs) agree.</summary>
public sealed class GptPathsTests
{
    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void Hidden_states_through_the_head_are_the_logits(string variant)
    {
        var config = GptTestModels.Variant(variant);
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = GptTestModels.Tokens(2, 9, 50);
        var hidden = model.Hidden(x);                                                    // (B, T, d)
        Assert.Equal([2L, 9, config.Width], hidden.shape);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var head = config.TieWordEmbeddings ? parameters["wte.weight"] : parameters["lm_head.weight"];
        TensorAssert.Close(nn.functional.linear(hidden, head), model.call(x), $"{variant}: head(hidden) vs forward", new(0, 1e-6));
    }

    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void The_plain_forward_equals_the_layout_path_at_positions_from_zero(string variant)
    {
        var config = GptTestModels.Variant(variant);
        using var model = GptTestModels.Build(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int T = 7;
        var x = GptTestModels.Tokens(2, T, 50);
        var positions = arange(T, dtype: ScalarType.Int64).expand(2, T).contiguous();
        var causal = ones(T, T, dtype: ScalarType.Bool).tril().expand(2, 1, T, T).contiguous();
        TensorAssert.Close(model.Forward(x, null, positions, causal), model.call(x), $"{variant}: layout vs plain", new(0, 1e-5));
    }

    [Fact]
    public void A_mixture_of_experts_auxiliary_loss_outlives_the_forward_that_made_it()
    {
        using var model = GptTestModels.Build(MoeTestModels.Tiny with { Layers = 2 });
        using var scope = NewDisposeScope();
        var logits = model.call(GptTestModels.Tokens(2, 6, 50));
        Assert.NotNull(model.AuxiliaryLoss);
        Assert.False(model.AuxiliaryLoss!.IsInvalid);
        (logits.sum() + model.AuxiliaryLoss).backward();                                  // still a live graph
        Assert.True(model.AuxiliaryLoss.item<float>() > 0);
    }
}
