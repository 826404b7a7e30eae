using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// The element-wise comparison of a from-scratch result with a reference (usually the libtorch built-in), in the
/// manner of llm.c's and micrograd's checks: the largest absolute difference, where it is, and the first pairs that
/// break the tolerance, so that a failure says what went wrong without a debugger.
/// <para>Rule (numpy's <c>isclose</c>, torch's <c>allclose</c>): a pair passes when
/// <c>|actual − expected| ≤ Absolute + Relative · |expected|</c>. Non-finite values pass only when both sides hold the
/// same one (NaN and NaN, +∞ and +∞); a lone NaN or ∞ counts as an infinite difference.</para>
/// Both tensors are read (detached, as float64 on the CPU) and left to the caller to dispose; the result holds no tensor.
/// </summary>
/// <param name="Passed">Shapes agree and every pair is within the tolerance.</param>
/// <param name="Shape">The expected tensor's shape.</param>
/// <param name="Count">Elements compared.</param>
/// <param name="MaxAbsDiff">max |actual − expected| (∞ when a non-finite value has no match; 0 when empty).</param>
/// <param name="MaxIndex">The multi-index of that maximum (empty for a scalar or an empty tensor).</param>
/// <param name="MaxActual">actual at <paramref name="MaxIndex"/>.</param>
/// <param name="MaxExpected">expected at <paramref name="MaxIndex"/>.</param>
/// <param name="MaxRatio">max over pairs of |Δ| / (Absolute + Relative·|expected|): ≤ 1 means every pair passed.</param>
/// <param name="Mismatches">Pairs outside the tolerance.</param>
/// <param name="FirstMismatches">The first few of them, in memory order.</param>
/// <param name="Tol">The tolerance applied.</param>
/// <param name="ShapeError">Set when the shapes differ (then nothing else was compared).</param>
public sealed record TensorComparison(
    bool Passed, long[] Shape, long Count, double MaxAbsDiff, long[] MaxIndex, double MaxActual, double MaxExpected,
    double MaxRatio, long Mismatches, IReadOnlyList<TensorComparison.Pair> FirstMismatches, TensorComparison.Tolerance Tol,
    string? ShapeError = null)
{
    /// <summary>A tolerance: relative and absolute parts of <c>|Δ| ≤ Absolute + Relative·|expected|</c>.</summary>
    public sealed record Tolerance(double Relative, double Absolute)
    {
        /// <summary>
        /// The one per-dtype table every reference test uses. fp64 and fp32: 1e-12 and 1e-6, about 4,500 and 8 units
        /// of roundoff (machine epsilon 2.2e-16 and 1.2e-7): room for a different summation order over up to ~50k
        /// terms, none for a wrong formula. fp16/bf16 (eps 9.8e-4 and 7.8e-3, IEEE 754 binary16 and Google's bfloat16):
        /// about ten units of roundoff.
        /// </summary>
        public static Tolerance For(ScalarType dtype) => dtype switch
        {
            ScalarType.Float64 => new(1e-12, 1e-12),
            ScalarType.Float32 => new(1e-6, 1e-6),
            ScalarType.Float16 => new(1e-2, 1e-3),
            ScalarType.BFloat16 => new(8e-2, 1e-2),
            _ => throw new ArgumentException($"no tolerance for dtype {dtype}: compare floating-point tensors (float64, float32, float16, bfloat16)", nameof(dtype)),
        };

        /// <summary>The bound a pair with this expected value must meet.</summary>
        public double Bound(double expected) => Absolute + Relative * Math.Abs(expected);

        public override string ToString() => $"|Δ| ≤ {G(Absolute)} + {G(Relative)}·|expected|";
    }

    /// <summary>One compared pair and its index.</summary>
    public sealed record Pair(long[] Index, double Actual, double Expected)
    {
        public override string ToString() => $"{Idx(Index)}: {G(Actual)} vs {G(Expected)} (Δ {G(Math.Abs(Actual - Expected))})";
    }

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/> under <paramref name="tolerance"/>
    /// (default: the table entry of the expected tensor's dtype).</summary>
    public static TensorComparison Of(Tensor actual, Tensor expected, Tolerance? tolerance = null, int pairs = 5)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        var tol = tolerance ?? Tolerance.For(expected.dtype);
        long[] shape = expected.shape;
        if (!actual.shape.SequenceEqual(shape))
            return new(false, shape, 0, double.PositiveInfinity, [], double.NaN, double.NaN, double.PositiveInfinity, 0, [], tol,
                $"shape {Shp(actual.shape)} vs expected {Shp(shape)}");

        using var scope = NewDisposeScope();
        var a = actual.detach().to(float64, CPU).flatten();
        var e = expected.detach().to(float64, CPU).flatten();
        long count = e.numel();
        if (count == 0) return new(true, shape, 0, 0, [], double.NaN, double.NaN, 0, 0, [], tol);
        // 1. |Δ|, with matching non-finite values counted as equal and a lone NaN/∞ as an infinite difference.
        var same = a.eq(e).logical_or(a.isnan().logical_and(e.isnan()));
        var diff = (a - e).abs().nan_to_num(nan: double.PositiveInfinity).masked_fill(same, 0.0);
        // 2. Each pair's allowance and the pairs that exceed it.
        var bound = e.abs().nan_to_num(0.0, 0.0, 0.0) * tol.Relative + tol.Absolute;
        var bad = diff.gt(bound);
        long mismatches = bad.sum().item<long>();
        double maxRatio = (diff / bound).max().item<double>();
        long at = diff.argmax().item<long>();
        var first = new List<Pair>();
        if (mismatches > 0)
            foreach (long i in bad.nonzero().flatten().narrow(0, 0, Math.Min(pairs, mismatches)).data<long>().ToArray())
                first.Add(new Pair(Unravel(i, shape), a[i].item<double>(), e[i].item<double>()));
        return new(mismatches == 0, shape, count, diff[at].item<double>(), Unravel(at, shape), a[at].item<double>(), e[at].item<double>(),
            maxRatio, mismatches, first, tol);
    }

    /// <summary>A one-paragraph account: pass/fail, max |Δ| with its index and values, and the first failing pairs.</summary>
    public string Describe(string what)
    {
        if (ShapeError is not null) return $"{what}: shapes differ: {ShapeError}";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{what}: {(Passed ? "within" : "OUTSIDE")} tolerance ({Tol}); ");
        sb.Append(CultureInfo.InvariantCulture, $"max |Δ| = {G(MaxAbsDiff)} at {Idx(MaxIndex)} ({G(MaxActual)} vs {G(MaxExpected)}), ");
        sb.Append(CultureInfo.InvariantCulture, $"{G(MaxRatio)} of the allowance; {Mismatches:N0} of {Count:N0} elements of {Shp(Shape)} differ");
        if (FirstMismatches.Count > 0) sb.Append("; first: ").AppendJoin("; ", FirstMismatches);
        return sb.ToString();
    }

    /// <summary>max |Δ| with its index, for a report line: "3.1e-08 at [2, 7]".</summary>
    public string MaxSummary() => ShapeError ?? $"{G(MaxAbsDiff)} at {Idx(MaxIndex)}";

    static long[] Unravel(long flat, long[] shape)
    {
        var idx = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return idx;
    }

    static string Idx(long[] index) => "[" + string.Join(", ", index) + "]";
    static string Shp(long[] shape) => "(" + string.Join(", ", shape) + ")";
    static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
