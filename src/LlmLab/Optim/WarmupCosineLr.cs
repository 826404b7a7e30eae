namespace LlmLab.Optim;

/// <summary>
/// Linear warmup then cosine decay to a floor — the schedule of GPT-3 (Brown et al. 2020, with a 10 % floor),
/// nanoGPT and most LLM pretraining. With W warmup steps, T total steps, peak η_max and floor η_min:
/// <code>
/// s &lt; W:       η = η_max · (s + 1) / W                          (reaches η_max at s = W − 1)
/// W ≤ s ≤ T:   η = η_min + ½(η_max − η_min)(1 + cos(π (s − W) / (T − W)))
/// s &gt; T:       η = η_min
/// </code>
/// With W = 0 it is PyTorch's <c>CosineAnnealingLR</c> (T_max = T, eta_min = η_min) over its first T steps.
/// </summary>
public sealed record WarmupCosineLr : LrSchedule
{
    /// <param name="peakLr">η_max, ≥ 0.</param>
    /// <param name="warmupSteps">W, ≥ 0.</param>
    /// <param name="totalSteps">T, the step at which the cosine reaches the floor; &gt; W.</param>
    /// <param name="minLr">η_min, the floor, between 0 and η_max.</param>
    public WarmupCosineLr(double peakLr, long warmupSteps, long totalSteps, double minLr = 0)
    {
        PeakLr = Check(nameof(peakLr), peakLr);
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"warmupSteps must be >= 0 (got {warmupSteps})");
        if (totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps),
                $"totalSteps must be greater than warmupSteps ({warmupSteps}) (got {totalSteps})");
        MinLr = Check(nameof(minLr), minLr);
        if (minLr > peakLr) throw new ArgumentOutOfRangeException(nameof(minLr), $"minLr ({minLr}) must not exceed peakLr ({peakLr})");
        (WarmupSteps, TotalSteps) = (warmupSteps, totalSteps);
    }

    public double PeakLr { get; }
    public long WarmupSteps { get; }
    public long TotalSteps { get; }
    public double MinLr { get; }

    public override double At(long step)
    {
        CheckStep(step);
        // 1. Linear warmup from η_max/W: large early steps on random weights are what warmup avoids.
        if (step < WarmupSteps) return PeakLr * (step + 1) / WarmupSteps;
        // 2. Past the end: hold the floor.
        if (step > TotalSteps) return MinLr;
        // 3. Half a cosine from η_max down to η_min.
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps); // in [0, 1]
        return MinLr + 0.5 * (PeakLr - MinLr) * (1 + Math.Cos(Math.PI * progress));
    }
}
