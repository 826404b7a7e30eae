using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// Where the naive cross-entropy breaks: logits = s · d for a fixed direction d (N, V) and scales s, the naive and
/// stable losses in a float format against the exact loss (libtorch in float64 on the same rounded logits), and a
/// prediction of each failure from the format's range alone.
/// <para>Why it breaks (IEEE 754): exp(z) exceeds the largest finite value once z &gt; ln(max) — 88.72 in float32
/// (max 3.40e38), 709.78 in float64 (max 1.80e308) — so Σ exp(z) = ∞ as soon as logsumexp(z) passes that, and
/// p = exp(z)/∞ is 0 or NaN. At the other end p = exp(z_y)/Σ rounds to 0 once it is below half the smallest subnormal
/// (2^-150 in float32, 2^-1075 in float64), i.e. once the true loss −log p passes 150·ln 2 = 103.97 (float32) or
/// 1075·ln 2 = 745.13 (float64); then −log 0 = ∞.</para>
/// Thread-safe; tensors are disposed before returning.
/// </summary>
public static class CrossEntropyScaleSweep
{
    /// <summary>ln of the largest finite value: exp overflows above it. 88.7228 (float32), 709.7827 (float64).</summary>
    public static double OverflowLogit(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => Math.Log(float.MaxValue),
        ScalarType.Float64 => Math.Log(double.MaxValue),
        _ => throw new ArgumentException($"dtype must be Float32 or Float64 (got {dtype})", nameof(dtype)),
    };

    /// <summary>−ln of half the smallest subnormal: a probability below it rounds to 0. 103.97 (float32), 745.13 (float64).</summary>
    public static double UnderflowLoss(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => 150 * Math.Log(2),
        ScalarType.Float64 => 1075 * Math.Log(2),
        _ => throw new ArgumentException($"dtype must be Float32 or Float64 (got {dtype})", nameof(dtype)),
    };

    /// <summary>The scale at which the largest entry of s·<paramref name="direction"/> alone makes exp overflow:
    /// ln(max) / max(d). An upper bound on where the naive loss fails (the sum, or an underflowing p, fail sooner).</summary>
    public static double OverflowScale(Tensor direction, ScalarType dtype) => OverflowLogit(dtype) / direction.max().to(float64).item<double>();

    /// <summary><paramref name="points"/> scales from <paramref name="from"/> to <paramref name="to"/>, evenly spaced in log s.</summary>
    public static double[] LogSpaced(double from, double to, int points)
    {
        if (!(from > 0 && to > from) || points < 2)
            throw new ArgumentException($"need 0 < from < to and points >= 2 (got {from}, {to}, {points})");
        double a = Math.Log(from), b = Math.Log(to);
        return Enumerable.Range(0, points).Select(i => Math.Exp(a + (b - a) * i / (points - 1))).ToArray();
    }

    /// <summary>The mean loss over the rows of s·<paramref name="direction"/> (N, V) with class <paramref name="targets"/>
    /// (N), at each scale, in <paramref name="dtype"/>. Tensors stay the caller's.</summary>
    public static IReadOnlyList<CrossEntropySweepPoint> Run(Tensor direction, Tensor targets, IReadOnlyList<double> scales, ScalarType dtype)
    {
        if (direction.dim() != 2 || targets.dim() != 1 || targets.shape[0] != direction.shape[0])
            throw new ArgumentException($"direction must be (N, V) and targets (N) (got {CrossEntropyInputs.Shp(direction.shape)} and {CrossEntropyInputs.Shp(targets.shape)})");
        double overflow = OverflowLogit(dtype), underflow = UnderflowLoss(dtype);
        var points = new List<CrossEntropySweepPoint>();
        foreach (double s in scales)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var z = (direction.to(float64) * s).to(dtype);                          // (N, V), rounded to the format
            var exact = z.to(float64);
            double reference = CrossEntropy.Libtorch(exact, targets).item<double>();
            double naive = CrossEntropy.Naive(z, targets).to(float64).item<double>();
            double stable = CrossEntropy.Stable(z, targets).to(float64).item<double>();
            // Predicted failure from the exact per-row quantities: logsumexp (overflow of Σ exp) and −log p_y (underflow of p_y).
            var lse = exact.logsumexp(1);                                           // (N)
            var nll = lse - exact.gather(1, targets.unsqueeze(1)).squeeze(1);        // (N)
            string predicted = lse.max().item<double>() > overflow ? "overflow"
                : nll.max().item<double>() > underflow ? "underflow" : "";
            points.Add(new CrossEntropySweepPoint(s, reference, naive, stable, predicted));
        }
        return points;
    }
}
