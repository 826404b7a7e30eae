namespace LlmLab.Nn.Attention;

/// <summary>Everything <see cref="AttentionBenchmark.Run"/> measured, with the look-ups and fits the reports need.</summary>
/// <param name="Options">What was asked for.</param>
/// <param name="Timings">One row per (T, causal, pass, variant), in run order.</param>
/// <param name="Agreements">Outputs and gradients of each variant against the naive kernel (or SDPA past the naive
/// kernel's longest T), per (T, causal) up to <see cref="AttentionBenchmarkOptions.VerifyMaxLength"/>.</param>
public sealed record AttentionBenchmarkResult(AttentionBenchmarkOptions Options, IReadOnlyList<AttentionTiming> Timings,
                                             IReadOnlyList<AttentionAgreement> Agreements)
{
    /// <summary>The variant names in table order (naive, tiled…, sdpa).</summary>
    public IReadOnlyList<string> Variants => Timings.Select(t => t.Variant).Distinct().ToList();

    /// <summary>The row of one variant at one point, or null when it did not run there.</summary>
    public AttentionTiming? Find(int length, bool causal, AttentionPass pass, string variant) =>
        Timings.FirstOrDefault(t => t.Length == length && t.Causal == causal && t.Pass == pass && t.Variant == variant);

    /// <summary>
    /// libtorch's CPU flash kernel (aten/src/ATen/native/cpu/FlashAttentionKernel.cpp) sizes its per-thread tiles by T:
    /// 32, 64 or 256 query rows (T &lt; 192, &lt; 768, ≥ 768) × min(T, 512) keys. Below T = 768 its buffers grow with T, so
    /// its memory exponent is fitted from T = 1,024 on, where they are fixed and what grows is the (T × d) output.
    /// </summary>
    public const int SdpaFitFrom = 1024;

    /// <summary>Peak figures are fitted only when at least this many times <see cref="PeakResidentMemory.ResolutionBytes"/>
    /// (so that the probe's error is at most an eighth of the figure).</summary>
    public const int ResolutionMultiple = 8;

    /// <summary>
    /// The exponent a of peak bytes ≈ c·Tᵃ for one variant: the least-squares slope of log(bytes) on log(T) over the
    /// points with T ≥ <paramref name="fitFrom"/> (≥ <see cref="SdpaFitFrom"/> for SDPA) whose figure is at least
    /// <see cref="ResolutionMultiple"/> × the probe's resolution. 2 means quadratic growth, 1 linear. Null (with the
    /// lengths used) when fewer than two lengths qualify.
    /// </summary>
    public (double? Exponent, IReadOnlyList<int> Lengths) MemoryExponent(string variant, bool causal, AttentionPass pass, int fitFrom = 0)
    {
        int from = variant == "sdpa" ? Math.Max(fitFrom, SdpaFitFrom) : fitFrom;
        long floor = ResolutionMultiple * PeakResidentMemory.ResolutionBytes;
        var used = Timings.Where(t => t.Variant == variant && t.Causal == causal && t.Pass == pass && t.Length >= from && t.PeakBytes >= floor).ToList();
        return (LogLogSlope(used.Select(t => ((double)t.Length, (double)t.PeakBytes!.Value)).ToList()), used.Select(t => t.Length).ToList());
    }

    /// <summary>Least-squares slope of log y on log x; null with fewer than two distinct x.</summary>
    public static double? LogLogSlope(IReadOnlyList<(double X, double Y)> points)
    {
        var logs = points.Where(p => p.X > 0 && p.Y > 0).Select(p => (X: Math.Log(p.X), Y: Math.Log(p.Y))).ToList();
        if (logs.Select(p => p.X).Distinct().Count() < 2) return null;
        double mx = logs.Average(p => p.X), my = logs.Average(p => p.Y);
        double sxy = logs.Sum(p => (p.X - mx) * (p.Y - my)), sxx = logs.Sum(p => (p.X - mx) * (p.X - mx));
        return sxy / sxx;
    }
}
