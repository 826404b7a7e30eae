using LlmLab.Nn;
using LlmLab.Nn.Landscape;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public class FilterNormalizationTests
{
    public FilterNormalizationTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>A hand-built "model": a 2×2 weight with row norms 5 and 13, a bias, and a 3-D "conv" weight.</summary>
    static ParameterVector Weights()
    {
        using var scope = NewDisposeScope();
        return ParameterVector.FromTensors([
            ("fc.weight", tensor(new float[] { 3, 4, 5, 12 }, [2, 2])),
            ("fc.bias", tensor(new float[] { 0.5f, -1 })),
            ("conv.weight", tensor(new float[] { 1, 2, 2, 0, 0, 0, 0, 0 }, [2, 2, 2])),
        ]);
    }

    [Fact]
    public void Each_row_gets_the_norm_of_the_same_row_of_the_weights_and_biases_are_zeroed()
    {
        using var w = Weights();
        using var scope = NewDisposeScope();
        using var d = ParameterVector.FromTensors([
            ("fc.weight", tensor(new float[] { 1, 0, 0, 2 }, [2, 2])),
            ("fc.bias", tensor(new float[] { 7, 7 })),
            ("conv.weight", tensor(new float[] { 0, 0, 0, 1, 1, 1, 1, 1 }, [2, 2, 2])),
        ]);
        using var n = FilterNormalization.Normalize(d, w);
        // Row 0: (1, 0) → norm 5 → (5, 0); row 1: (0, 2) → norm 13 → (0, 13).
        Assert.Equal(new float[] { 5, 0, 0, 13 }, n.Tensors[0].data<float>().ToArray());
        Assert.Equal(new float[] { 0, 0 }, n.Tensors[1].data<float>().ToArray());
        // Conv filter 0 of θ has norm 3, of d norm 1; filter 1 of θ is all zero, so d's filter 1 becomes 0 as well.
        Assert.Equal(new float[] { 0, 0, 0, 3, 0, 0, 0, 0 }, n.Tensors[2].data<float>().ToArray());
        Close(new[] { 5.0, 13.0 }, FilterNormalization.FilterNorms(n.Tensors[0]), 1e-6);
        // The inputs are not touched.
        Assert.Equal(new float[] { 7, 7 }, d.Tensors[1].data<float>().ToArray());
    }

    [Fact]
    public void Random_directions_are_filter_normalised_and_fixed_by_the_seed()
    {
        manual_seed(5);
        using var model = new MlpLanguageModel(new MlpLmConfig(Context: 3, Embed: 4, Hidden: 16, Layers: 3));
        using var w = ParameterVector.Of(model);
        using var a = FilterNormalization.RandomDirection(w, 42);
        manual_seed(999);                                   // the global generator does not matter
        using var b = FilterNormalization.RandomDirection(w, 42);
        using var c = FilterNormalization.RandomDirection(w, 43);
        Assert.True(a.BitEquals(b));
        Assert.False(a.BitEquals(c));

        var check = FilterNormalization.Verify(a, w);
        Assert.True(check.MaxRelativeNormError <= 1e-6, $"max relative gap {check.MaxRelativeNormError}");
        Assert.Equal(0, check.MaxIgnoredAbs);
        // Filters: 256 embedding rows + 16 rows of the input layer + 2×16 hidden rows + 256 head rows; 4 bias tensors.
        Assert.Equal(256 + 16 + 32 + 256, check.Filters);
        Assert.Equal(4, check.IgnoredTensors);
        for (int k = 0; k < w.Count; k++)
            if (w.Tensors[k].dim() >= 2)
                Close(FilterNormalization.FilterNorms(w.Tensors[k]), FilterNormalization.FilterNorms(a.Tensors[k]), 1e-6);
    }

    [Fact]
    public void Scaling_the_weights_scales_the_direction_so_plots_are_scale_invariant()
    {
        using var w = Weights();
        using var w3 = w.Select((_, t) => t.mul(3));
        using var d = FilterNormalization.RandomDirection(w, 7);
        using var d3 = FilterNormalization.RandomDirection(w3, 7);
        using var diff = ParameterVector.Combine(3, d, -1, d3);
        Assert.True(diff.Norm() <= 1e-5 * d3.Norm(), $"‖3·d − d(3θ)‖ = {diff.Norm()}");
    }

    [Fact]
    public void Verify_reports_a_direction_that_is_not_normalised()
    {
        using var w = Weights();
        using var raw = w.Select((_, t) => ones_like(t));
        var check = FilterNormalization.Verify(raw, w);
        Assert.True(check.MaxRelativeNormError > 0.5);
        Assert.Equal(1, check.MaxIgnoredAbs);
    }

    /// <summary>Relative closeness, element by element, with the first mismatch in the message.</summary>
    static void Close(double[] expected, double[] actual, double rel)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= rel * Math.Max(1e-12, Math.Abs(expected[i])),
                $"filter {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Bad_input_names_the_problem()
    {
        using var w = Weights();
        using var scope = NewDisposeScope();
        var ex = Assert.Throws<ArgumentException>(() => FilterNormalization.FilterNorms(tensor(new float[] { 1, 2 })));
        Assert.Contains("rank 1 has no filters", ex.Message);
        using var other = ParameterVector.FromTensors([("x", zeros(2, 2))]);
        Assert.Contains("tensors", Assert.Throws<ArgumentException>(() => FilterNormalization.Normalize(other, w)).Message);
        Assert.Contains("different layouts", Assert.Throws<ArgumentException>(() => w.Dot(other)).Message);
    }
}
