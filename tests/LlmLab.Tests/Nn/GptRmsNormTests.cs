using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class GptRmsNormTests
{
    public GptRmsNormTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Matches_the_formula_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        using var norm = new RmsNorm(4, eps: 1e-5);
        using (no_grad()) norm.Weight.copy_(tensor(new float[] { 1, 2, 0.5f, -1 }));
        float[] x = [1, -2, 3, 0.5f];
        // mean(x²) = (1 + 4 + 9 + 0.25)/4 = 3.5625; y = x / √(3.5625 + 1e-5) · g.
        double inv = 1 / Math.Sqrt(3.5625 + 1e-5);
        double[] expected = [1 * inv * 1, -2 * inv * 2, 3 * inv * 0.5, 0.5 * inv * -1];
        var y = norm.call(tensor(x, [1, 4]))[0].data<float>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], y[i], 6);
        // A row of zeros stays zero (ε keeps the division finite).
        Assert.All(norm.call(zeros(1, 4))[0].data<float>().ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Is_scale_invariant_and_differentiable()
    {
        using var scope = NewDisposeScope();
        using var norm = new RmsNorm(16, eps: 1e-8);
        manual_seed(1);
        var x = randn(3, 16, requires_grad: true);
        using (no_grad()) TensorAssert.Close(norm.call(x * 7.5), norm.call(x), "RMSNorm(7.5·x) vs RMSNorm(x)", new(1e-5, 1e-6));
        norm.call(x).pow(2).sum().backward();
        Assert.NotNull(x.grad);
        Assert.NotNull(norm.Weight.grad);
        // Σ y² = d for unit gain, so its gradient w.r.t. x is ~0 (only ε breaks the invariance).
        Assert.True(x.grad!.abs().max().item<float>() < 1e-4);
        Assert.Single(norm.parameters());
    }
}
