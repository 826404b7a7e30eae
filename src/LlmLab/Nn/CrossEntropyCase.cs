using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// One seeded input set for checking <see cref="CrossEntropy"/> against libtorch: logits (a leaf that requires grad),
/// targets, options, and an upstream gradient for unreduced losses (random, so a gradient check does not only see
/// ones). <see cref="Make"/> builds the standard set by name; <see cref="Verify"/> runs the comparisons. The tensors
/// belong to the current dispose scope.
/// </summary>
public sealed record CrossEntropyCase(string Name, Tensor Logits, Tensor Target, CrossEntropyOptions Options, Tensor? Upstream)
{
    /// <summary>The option sets <see cref="Make"/> knows: reductions, ignore_index (default and in range), smoothing,
    /// weights, their combination, probability targets, (N, C, T) logits and unbatched (C) logits.</summary>
    public static IReadOnlyList<string> OptionSets { get; } =
    [
        "mean", "sum", "none", "ignore", "ignore-in-range", "smoothing", "weights", "weights+smoothing+ignore",
        "weights+smoothing+ignore/sum", "probs", "probs+weights+smoothing", "probs+weights/none", "nct", "nct/mean", "unbatched",
    ];

    /// <summary>
    /// Builds a case. <paramref name="kind"/> "random": logits ~ N(0, 3²), losses of a few nats; "extreme": uniform
    /// in [−1e4, 1e4], where exp overflows in any float format. N = 6 rows (2 when V &gt; 1,000, to keep N·V small);
    /// "nct" cases have logits (N, V, 3); about 30% of class targets are ignored in the "ignore" and "nct" sets.
    /// </summary>
    public static CrossEntropyCase Make(string option, ScalarType dtype, int vocab, string kind, long seed = 1)
    {
        if (!OptionSets.Contains(option)) throw new ArgumentException($"unknown option set '{option}': use one of {string.Join(", ", OptionSets)}", nameof(option));
        if (kind is not ("random" or "extreme")) throw new ArgumentException($"kind must be 'random' or 'extreme' (got '{kind}')", nameof(kind));
        if (vocab < 2) throw new ArgumentException($"vocab must be >= 2 (got {vocab})", nameof(vocab));
        var g = new Generator((ulong)seed);
        long n = vocab > 1000 ? 2 : 6;
        bool nct = option.StartsWith("nct"), unbatched = option == "unbatched";
        long[] shape = unbatched ? [vocab] : nct ? [n, vocab, 3] : [n, vocab];
        long[] tshape = unbatched ? [] : nct ? [n, 3] : [n];
        var z = kind == "extreme" ? rand(shape, float64, generator: g) * 2e4 - 1e4 : randn(shape, float64, generator: g) * 3;
        var logits = z.to(dtype).detach().requires_grad_(true);
        Tensor target;
        if (option.StartsWith("probs"))
            target = softmax(randn(shape, float64, generator: g) * 2, unbatched ? 0 : 1).to(dtype);
        else
        {
            target = randint(0, vocab, tshape, generator: g);
            if (option.Contains("ignore") || nct) target = target.masked_fill(rand(tshape, generator: g).lt(0.3), -100);
            if (option == "ignore-in-range") target = target.masked_fill(target.eq(-100), 1);
        }
        var weight = option.Contains("weights") || nct ? (rand(vocab, float64, generator: g) * 2 + 0.1).to(dtype) : null;
        var reduction = option is "sum" || option.EndsWith("/sum") ? nn.Reduction.Sum
            : option is "none" or "nct" or "unbatched" || option.EndsWith("/none") ? nn.Reduction.None : nn.Reduction.Mean;
        var options = new CrossEntropyOptions(
            Weight: weight,
            IgnoreIndex: option == "ignore-in-range" ? 1 : -100,
            LabelSmoothing: option.Contains("smoothing") || nct ? 0.1 : 0.0,
            Reduction: reduction);
        var upstream = reduction == nn.Reduction.None ? randn(tshape, float64, generator: g).to(dtype) : null;
        return new CrossEntropyCase($"{option}, {DtypeName(dtype)}, V={vocab}, {kind}", logits, target, options, upstream);
    }

    /// <summary>The same values in float64 (a fresh leaf for the logits): libtorch on these is the exact answer for
    /// this case's inputs, to ~1e-15.</summary>
    public CrossEntropyCase ToFloat64() => new(Name, Logits.detach().to(float64).requires_grad_(true),
        Target.is_floating_point() ? Target.to(float64) : Target, Options with { Weight = Options.Weight?.to(float64) }, Upstream?.to(float64));

    /// <summary>∂(Σ upstream·loss)/∂logits by autograd through <paramref name="loss"/> (upstream = 1 for a reduced loss).</summary>
    public Tensor AutogradGradient(Func<Tensor, Tensor, CrossEntropyOptions, Tensor> loss)
    {
        var l = loss(Logits, Target, Options);
        var scalar = Upstream is null ? l : (l * Upstream).sum();
        return autograd.grad([scalar], [Logits])[0];
    }

    /// <summary>Compares the stable loss, its autograd gradient and the analytic gradient with libtorch run in float64
    /// on the same values, and libtorch's own result in this dtype with the same reference, under the dtype's tolerance.</summary>
    public CrossEntropyVerification Verify()
    {
        using var scope = NewDisposeScope();
        var exact = ToFloat64();
        var tol = TensorComparison.Tolerance.For(Logits.dtype);
        var lossRef = CrossEntropy.Libtorch(exact.Logits, exact.Target, exact.Options);
        var gradRef = exact.AutogradGradient(CrossEntropy.Libtorch);
        var autogradGrad = AutogradGradient(CrossEntropy.Stable);
        var analytic = CrossEntropy.Gradient(Logits, Target, Options, Upstream);
        return new CrossEntropyVerification(Name,
            Loss: TensorComparison.Of(CrossEntropy.Stable(Logits, Target, Options), lossRef, tol),
            LibtorchLoss: TensorComparison.Of(CrossEntropy.Libtorch(Logits, Target, Options), lossRef, tol),
            Autograd: TensorComparison.Of(autogradGrad, gradRef, tol),
            LibtorchAutograd: TensorComparison.Of(AutogradGradient(CrossEntropy.Libtorch), gradRef, tol),
            Analytic: TensorComparison.Of(analytic, gradRef, tol),
            AnalyticVsAutograd: TensorComparison.Of(analytic, autogradGrad, tol));
    }

    static string DtypeName(ScalarType t) => t switch { ScalarType.Float32 => "fp32", ScalarType.Float64 => "fp64", _ => t.ToString() };
}
