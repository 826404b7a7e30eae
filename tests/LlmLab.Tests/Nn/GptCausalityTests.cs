using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class GptCausalityTests
{
    [Theory]
    [MemberData(nameof(GptTestModels.Variants), MemberType = typeof(GptTestModels))]
    public void Changing_a_token_never_changes_the_logits_before_it(string variant)
    {
        using var model = GptTestModels.Build(GptTestModels.Variant(variant));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int T = 12;
        var x = GptTestModels.Tokens(2, T, 50);
        var before = model.call(x);                                        // (2, T, V)
        foreach (int t in new[] { 1, 5, T - 1 })
        {
            var changed = x.clone();
            changed[.., t] = (changed[.., t] + 1) % 50;
            var after = model.call(changed);
            // Positions < t see only unchanged tokens: bit-for-bit equal is not promised by matmul blocking, 1e-6 is.
            TensorAssert.Close(after[.., ..t], before[.., ..t], $"{variant}: logits before position {t}", new(0, 1e-6));
            // ...and position t itself must change, or the test could not fail.
            Assert.True((after[.., t] - before[.., t]).abs().max().item<float>() > 1e-4, $"{variant}: position {t} did not react");
        }
    }

    [Fact]
    public void Every_kernel_is_causal()
    {
        foreach (var kernel in Enum.GetValues<AttentionKernel>())
        {
            using var model = GptTestModels.Build(GptTestModels.Tiny with { Attention = kernel });
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = GptTestModels.Tokens(1, 10, 50);
            var changed = x.clone();
            changed[0, 9] = (changed[0, 9] + 3) % 50;
            TensorAssert.Close(model.call(changed)[.., ..9], model.call(x)[.., ..9], $"{kernel}", new(0, 1e-6));
        }
    }
}
