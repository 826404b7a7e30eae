namespace LlmLab.Optim;

/// <summary>
/// Step decay: η(s) = η₀ · γ^⌊s / k⌋ — the rate is multiplied by γ every k steps (PyTorch's <c>StepLR</c> with
/// <c>step_size</c> = k, when the scheduler is stepped once per optimizer step).
/// </summary>
public sealed record StepLr : LrSchedule
{
    /// <param name="baseLr">η₀, ≥ 0.</param>
    /// <param name="every">k, steps between decays, ≥ 1.</param>
    /// <param name="gamma">γ, the factor applied every k steps, ≥ 0 (usually &lt; 1).</param>
    public StepLr(double baseLr, long every, double gamma)
    {
        BaseLr = Check(nameof(baseLr), baseLr);
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), $"every (steps between decays) must be >= 1 (got {every})");
        Every = every;
        Gamma = Check(nameof(gamma), gamma);
    }

    public double BaseLr { get; }
    public long Every { get; }
    public double Gamma { get; }

    public override double At(long step)
    {
        CheckStep(step);
        return BaseLr * Math.Pow(Gamma, step / Every);
    }
}
