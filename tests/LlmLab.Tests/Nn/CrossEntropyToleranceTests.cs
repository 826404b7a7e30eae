using LlmLab.Nn;
using LlmLab.Runtime;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>The comparison behind every reference test (<see cref="TensorComparison"/>, <see cref="TensorAssert"/>):
/// the tolerance rule, and a failure message that gives max |Δ|, its index and the first differing pairs.</summary>
public class CrossEntropyToleranceTests
{
    public CrossEntropyToleranceTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void The_table_holds_one_rule_per_dtype()
    {
        Assert.Equal(new TensorComparison.Tolerance(1e-6, 1e-6), TensorComparison.Tolerance.For(ScalarType.Float32));
        Assert.Equal(new TensorComparison.Tolerance(1e-12, 1e-12), TensorComparison.Tolerance.For(ScalarType.Float64));
        Assert.Contains("no tolerance for dtype Int64", Assert.Throws<ArgumentException>(() => TensorComparison.Tolerance.For(ScalarType.Int64)).Message);
        // |Δ| ≤ 1e-6 + 1e-6·|expected|: 1e4 may be off by 0.010001, 0 by 1e-6.
        var t = TensorComparison.Tolerance.For(ScalarType.Float32);
        Assert.Equal(0.010001, t.Bound(1e4), 12);
        Assert.Equal(1e-6, t.Bound(0), 15);
    }

    [Fact]
    public void A_failure_names_the_max_difference_its_index_and_the_first_pairs()
    {
        using var scope = NewDisposeScope();
        var expected = zeros(3, 4, dtype: float64);
        var actual = expected.clone();
        actual[0, 1] = tensor(1e-3);
        actual[2, 3] = tensor(0.5);
        actual[1, 0] = tensor(1e-13); // within tolerance
        var c = TensorComparison.Of(actual, expected);
        Assert.False(c.Passed);
        Assert.Equal(0.5, c.MaxAbsDiff);
        Assert.Equal(new long[] { 2, 3 }, c.MaxIndex);
        Assert.Equal(2, c.Mismatches);
        string m = Assert.Throws<XunitException>(() => TensorAssert.Close(actual, expected, "probe")).Message;
        Assert.Contains("probe: OUTSIDE tolerance (|Δ| ≤ 1E-12 + 1E-12·|expected|)", m);
        Assert.Contains("max |Δ| = 0.5 at [2, 3] (0.5 vs 0)", m);
        Assert.Contains("2 of 12 elements of (3, 4) differ", m);
        Assert.Contains("first: [0, 1]: 0.001 vs 0 (Δ 0.001); [2, 3]: 0.5 vs 0 (Δ 0.5)", m);
    }

    [Fact]
    public void Matching_non_finite_values_agree_and_a_lone_one_is_an_infinite_difference()
    {
        using var scope = NewDisposeScope();
        var e = tensor(new[] { double.NaN, double.PositiveInfinity, 1.0 });
        Assert.True(TensorComparison.Of(e.clone(), e).Passed);
        var c = TensorComparison.Of(tensor(new[] { 1.0, double.PositiveInfinity, 1.0 }), e);
        Assert.False(c.Passed);
        Assert.Equal(double.PositiveInfinity, c.MaxAbsDiff);
        Assert.Equal(new long[] { 0 }, c.MaxIndex);
        Assert.False(TensorComparison.Of(tensor(new[] { double.NaN, double.NegativeInfinity, 1.0 }), e).Passed);
    }

    [Fact]
    public void Shapes_must_agree()
    {
        using var scope = NewDisposeScope();
        var c = TensorComparison.Of(zeros(2, 3), zeros(3, 2));
        Assert.False(c.Passed);
        Assert.Contains("shape (2, 3) vs expected (3, 2)", c.Describe("x"));
    }
}
