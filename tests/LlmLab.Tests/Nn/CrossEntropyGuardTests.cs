using LlmLab.Nn;
using LlmLab.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>Bad input is refused with an <see cref="ArgumentException"/> whose message names the shapes or values.</summary>
public class CrossEntropyGuardTests
{
    public CrossEntropyGuardTests() => TorchRuntime.EnsureLoaded(1);

    static string Refused(Action call) => Assert.ThrowsAny<ArgumentException>(call).Message;

    public static TheoryData<string> Functions() => ["naive", "stable", "gradient"];

    static Action Call(string fn, Tensor z, Tensor y, CrossEntropyOptions? o = null) => fn switch
    {
        "naive" => () => CrossEntropy.Naive(z, y, o),
        "stable" => () => CrossEntropy.Stable(z, y, o),
        _ => () => CrossEntropy.Gradient(z, y, o),
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void Shape_mismatches_name_both_shapes(string fn)
    {
        using var scope = NewDisposeScope();
        var z = randn(4, 10);
        Assert.Contains("logits (4, 10), targets (5)", Refused(Call(fn, z, zeros(5, int64))));
        Assert.Contains("shape (4)", Refused(Call(fn, z, zeros(4, 1, dtype: int64))));
        Assert.Contains("shape (2, 3)", Refused(Call(fn, randn(2, 10, 3), zeros(2, 4, dtype: int64))));
        Assert.Contains("the logits' shape (4, 10)", Refused(Call(fn, z, rand(4, 9))));
        Assert.Contains("a scalar", Refused(Call(fn, tensor(1.0f), tensor(0L))));
        Assert.Contains("floating point", Refused(Call(fn, zeros(4, 10, dtype: int64), zeros(4, int64))));
        Assert.Contains("integer dtype", Refused(Call(fn, z, zeros(4, ScalarType.Bool))));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Targets_out_of_range_are_named_with_their_position(string fn)
    {
        using var scope = NewDisposeScope();
        var z = randn(3, 5);
        string m = Refused(Call(fn, z, tensor(new long[] { 0, 5, 1 })));
        Assert.Contains("[0, 5)", m);
        Assert.Contains("found 5 at flat position 1", m);
        Assert.Contains("logits (3, 5)", m);
        Assert.Contains("found -1", Refused(Call(fn, z, tensor(new long[] { 0, -1, 1 }))));
        // −100 is ignore_index by default, not an error; with another ignore_index it is out of range.
        Call(fn, z, tensor(new long[] { 0, -100, 1 }))();
        Assert.Contains("ignore_index (7)", Refused(Call(fn, z, tensor(new long[] { 0, -100, 1 }), new(IgnoreIndex: 7))));
    }

    [Fact]
    public void Options_are_checked()
    {
        using var scope = NewDisposeScope();
        var z = randn(3, 5);
        var y = tensor(new long[] { 0, 1, 2 });
        Assert.Contains("weight must be a floating-point tensor of shape (5)", Refused(() => CrossEntropy.Stable(z, y, new(Weight: ones(4)))));
        Assert.Contains("(got Float32 (5, 1)", Refused(() => CrossEntropy.Stable(z, y, new(Weight: ones(5, 1)))));
        Assert.Contains("label_smoothing must be in [0, 1] (got 1.5)", Refused(() => CrossEntropy.Stable(z, y, new(LabelSmoothing: 1.5))));
        Assert.Contains("label_smoothing", Refused(() => CrossEntropy.Stable(z, y, new(LabelSmoothing: double.NaN))));
        Assert.Contains("reduction", Refused(() => CrossEntropy.Stable(z, y, new(Reduction: (nn.Reduction)9))));
    }

    [Fact]
    public void Upstream_gradient_must_fit_the_loss()
    {
        using var scope = NewDisposeScope();
        var z = randn(3, 5);
        var y = tensor(new long[] { 0, 1, 2 });
        Assert.Contains("one value (got shape (3))", Refused(() => CrossEntropy.Gradient(z, y, gradOutput: ones(3))));
        Assert.Contains("the loss's shape (3) (got (2))",
            Refused(() => CrossEntropy.Gradient(z, y, new(Reduction: nn.Reduction.None), ones(2))));
    }

    [Fact]
    public void Helpers_refuse_unknown_names_and_bad_ranges()
    {
        Assert.Contains("unknown option set 'mena'", Refused(() => CrossEntropyCase.Make("mena", ScalarType.Float32, 4, "random")));
        Assert.Contains("kind must be 'random' or 'extreme'", Refused(() => CrossEntropyCase.Make("mean", ScalarType.Float32, 4, "huge")));
        Assert.Contains("0 < from < to", Refused(() => CrossEntropyScaleSweep.LogSpaced(10, 1, 5)));
        Assert.Contains("dtype must be Float32 or Float64", Refused(() => CrossEntropyScaleSweep.OverflowLogit(ScalarType.Float16)));
        Assert.Contains("need rows >= 1", Refused(() => CrossEntropyBenchmark.Run(0, 10, 1, 1)));
    }
}
