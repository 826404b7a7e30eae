using LlmLab.Nn;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>Figures worked out by hand (values in the comments), so that the options' semantics are pinned
/// independently of libtorch: ln V at uniform logits, PyTorch's divisors for weighted means, smoothing.</summary>
public class CrossEntropyKnownAnswerTests
{
    public CrossEntropyKnownAnswerTests() => TorchRuntime.EnsureLoaded(1);

    static double Value(Tensor t) => t.to(float64).item<double>();

    [Theory]
    [InlineData(2, 0.69314718055994531)]
    [InlineData(256, 5.5451774444795623)]
    [InlineData(50257, 10.824905119702080)]
    public void Uniform_logits_give_ln_V(int v, double lnV)
    {
        using var scope = NewDisposeScope();
        var y = tensor(new long[] { 0, v - 1, v / 2 });
        foreach (double level in new[] { 0.0, -30.0, 1e4 })
        {
            var z = full(3, v, level, dtype: float64);
            Assert.Equal(lnV, Value(CrossEntropy.Stable(z, y)), 12);
            Assert.Equal(lnV, Value(CrossEntropy.Stable(z.to(float32), y)), 5);
        }
        Assert.Equal(lnV, Value(CrossEntropy.Naive(zeros(3, v, dtype: float64), y)), 12);
    }

    [Fact]
    public void Small_example_by_hand()
    {
        using var scope = NewDisposeScope();
        // z = (1, 2, 3): logsumexp = 3.40760596444438, so −log p = (2.40760596, 1.40760596, 0.40760596).
        var z = tensor(new double[] { 1, 2, 3 }).reshape(1, 3);
        Assert.Equal(0.40760596444438013, Value(CrossEntropy.Stable(z, tensor(new long[] { 2 }))), 14);
        // ε = 0.1, target 0: 0.9 · 2.40760596 + (0.1/3) · (2.40760596 + 1.40760596 + 0.40760596) = 2.30760596.
        Assert.Equal(2.30760596444438, Value(CrossEntropy.Stable(z, tensor(new long[] { 0 }), new(LabelSmoothing: 0.1))), 13);
        // Unbatched (C) logits with a scalar target give a scalar.
        Assert.Equal(0.40760596444438013, Value(CrossEntropy.Stable(z.reshape(3), tensor(2L))), 14);
        // ∂L/∂z = softmax(z) − onehot(2) = (0.09003057, 0.24472847, 0.66524096 − 1).
        TensorAssert.Close(CrossEntropy.Gradient(z, tensor(new long[] { 2 })),
            tensor(new[] { 0.090030573170380462, 0.24472847105479767, -0.33475904422517813 }).reshape(1, 3), "softmax − onehot");
    }

    [Fact]
    public void Weighted_mean_divides_by_the_weights_of_the_counted_targets()
    {
        using var scope = NewDisposeScope();
        // Two classes, zero logits: −log p = ln 2 everywhere. Targets (0, ignored, 1), weights (1, 3).
        var z = zeros(3, 2, dtype: float64);
        var y = tensor(new long[] { 0, -100, 1 });
        var w = tensor(new double[] { 1, 3 });
        // Σ w[y]·ln 2 = 4 ln 2 over Σ w[y] = 4 (not 2 targets, not 3 rows): ln 2.
        Assert.Equal(Math.Log(2), Value(CrossEntropy.Stable(z, y, new(Weight: w))), 14);
        Assert.Equal(4 * Math.Log(2), Value(CrossEntropy.Stable(z, y, new(Weight: w, Reduction: nn.Reduction.Sum))), 14);
        // ε = 0.2: rows 0.8·w[y]·ln 2 + 0.1·(1 + 3)·ln 2 = (1.2, 0, 2.8)·ln 2; mean over Σ w[y] = 4 again: ln 2.
        var none = CrossEntropy.Stable(z, y, new(Weight: w, LabelSmoothing: 0.2, Reduction: nn.Reduction.None)).data<double>().ToArray();
        Assert.Equal(new[] { 1.2, 0, 2.8 }.Select(k => Math.Round(k * Math.Log(2), 14)), none.Select(v => Math.Round(v, 14)));
        Assert.Equal(Math.Log(2), Value(CrossEntropy.Stable(z, y, new(Weight: w, LabelSmoothing: 0.2))), 14);
        // Probability targets divide by the number of rows whatever the weights: (1·ln 2 + 3·ln 2) / 2 = 2 ln 2.
        var probs = tensor(new double[] { 1, 0, 0, 1 }).reshape(2, 2);
        Assert.Equal(2 * Math.Log(2), Value(CrossEntropy.Stable(z.narrow(0, 0, 2), probs, new(Weight: w))), 14);
    }

    [Fact]
    public void Ignored_targets_add_nothing_and_an_all_ignored_mean_is_NaN_as_in_libtorch()
    {
        using var scope = NewDisposeScope();
        var z = randn(4, 5, dtype: float64).requires_grad_(true);
        var y = tensor(new long[] { -100, 2, -100, 4 });
        var grad = CrossEntropy.Gradient(z, y);
        Assert.Equal(0.0, grad[0].abs().sum().item<double>());
        Assert.Equal(0.0, grad[2].abs().sum().item<double>());
        Assert.Equal(Value(CrossEntropy.Stable(z.narrow(0, 1, 1), y.narrow(0, 1, 1), new(Reduction: nn.Reduction.Sum)))
                   + Value(CrossEntropy.Stable(z.narrow(0, 3, 1), y.narrow(0, 3, 1), new(Reduction: nn.Reduction.Sum))),
            Value(CrossEntropy.Stable(z, y, new(Reduction: nn.Reduction.Sum))), 13);
        var all = full(4, -100L);
        Assert.True(double.IsNaN(Value(CrossEntropy.Stable(z, all))));
        Assert.True(double.IsNaN(Value(CrossEntropy.Libtorch(z, all))));
    }

    [Fact]
    public void Gradient_scales_by_the_upstream_value()
    {
        using var scope = NewDisposeScope();
        var z = randn(3, 4, dtype: float64);
        var y = tensor(new long[] { 0, 1, 2 });
        var g1 = CrossEntropy.Gradient(z, y);
        var g3 = CrossEntropy.Gradient(z, y, gradOutput: tensor(3.0, dtype: float64));
        TensorAssert.Close(g3, g1 * 3, "3 × upstream");
        // Each row of the unweighted, unsmoothed gradient sums to zero (softmax and one-hot both sum to one).
        TensorAssert.Close(g1.sum(1), zeros(3, dtype: float64), "row sums");
    }

    [Fact]
    public void Float_limits_and_the_sweep_place_the_naive_failure()
    {
        using var scope = NewDisposeScope();
        // ln(3.4028235e38) and 150·ln 2 (half the smallest float32 subnormal, 2^-149 / 2); float64: ln(1.797e308), 1075·ln 2.
        Assert.Equal(88.7228391, CrossEntropyScaleSweep.OverflowLogit(ScalarType.Float32), 6);
        Assert.Equal(103.9720771, CrossEntropyScaleSweep.UnderflowLoss(ScalarType.Float32), 6);
        Assert.Equal(709.7827129, CrossEntropyScaleSweep.OverflowLogit(ScalarType.Float64), 6);
        Assert.Equal(745.1332191, CrossEntropyScaleSweep.UnderflowLoss(ScalarType.Float64), 6);
        // One row, two classes: d = (1, 0), target 0. p[0] → 1, so only overflow can break it: exp(s) = ∞ past s = 88.72,
        // and Σ = e^s + 1 overflows there too. The grid brackets 88.72 between 88 and 89.
        var d = tensor(new double[] { 1, 0 }).reshape(1, 2);
        var points = CrossEntropyScaleSweep.Run(d, tensor(new long[] { 0 }), [80, 88, 89, 100], ScalarType.Float32);
        Assert.Equal(new[] { true, true, false, false }, points.Select(p => p.NaiveFinite));
        Assert.Equal(new[] { "", "", "overflow", "overflow" }, points.Select(p => p.Predicted));
        Assert.All(points, p => Assert.True(p.StableRelativeError < 1e-6, $"stable at s = {p.Scale}: {p.Stable} vs {p.Reference}"));
        // d = (0, −1), target 1: nothing overflows, −log p[1] = s + log(1 + e^−s) ≈ s, so p[1] = e^−s rounds to 0 once
        // s > 103.97 (e^−103 = 1.8e-45 is still the smallest subnormal, 1.4e-45; e^−105 is below half of it).
        var down = CrossEntropyScaleSweep.Run(tensor(new double[] { 0, -1 }).reshape(1, 2), tensor(new long[] { 1 }), [103, 105], ScalarType.Float32);
        Assert.Equal(new[] { true, false }, down.Select(p => p.NaiveFinite));
        Assert.Equal(new[] { "", "underflow" }, down.Select(p => p.Predicted));
        // The largest entry alone: exp(s·2) overflows past s = 88.72 / 2.
        Assert.Equal(44.3614196, CrossEntropyScaleSweep.OverflowScale(tensor(new[] { 2.0, -1.0 }), ScalarType.Float32), 6);
    }
}
