using LlmLab.Nn.Attention;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public class AttentionKernelsTests
{
    public AttentionKernelsTests() => TorchRuntime.EnsureLoaded(1);

    [Theory]
    [InlineData(AttentionKernel.Naive)]
    [InlineData(AttentionKernel.Tiled)]
    [InlineData(AttentionKernel.Sdpa)]
    public void Causal_attention_with_more_queries_than_keys_is_a_clear_error(AttentionKernel kernel)
    {
        using var scope = NewDisposeScope();
        var q = randn(1, 2, 5, 8);
        var kv = randn(1, 2, 3, 8);
        var e = Assert.Throws<ArgumentException>(() => AttentionKernels.Compute(kernel, q, kv, kv, causal: true));
        Assert.Contains("Tq ≤ Tk", e.Message);
        Assert.Equal(new long[] { 1, 2, 5, 8 }, AttentionKernels.Compute(kernel, q, kv, kv, causal: false).shape);
    }
}
