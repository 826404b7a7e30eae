namespace LlmLab.Nn;

/// <summary>One scale of a <see cref="CrossEntropyScaleSweep"/>: the mean loss of logits s·d, exactly (libtorch in
/// float64 on the rounded logits), naively and stably in the swept format, and the failure the format's range predicts.</summary>
/// <param name="Scale">s.</param>
/// <param name="Reference">The exact loss of the rounded logits.</param>
/// <param name="Naive">The naive loss (NaN or ∞ once it fails).</param>
/// <param name="Stable">The stable loss.</param>
/// <param name="Predicted">"overflow" (Σ exp(z) beyond the largest finite value), "underflow" (p[target] below half
/// the smallest subnormal), or "" when the naive loss should stay finite.</param>
public sealed record CrossEntropySweepPoint(double Scale, double Reference, double Naive, double Stable, string Predicted)
{
    /// <summary>Whether the naive loss is a number.</summary>
    public bool NaiveFinite => double.IsFinite(Naive);

    /// <summary>|naive − reference| / |reference|; ∞ once the naive loss is not finite.</summary>
    public double NaiveRelativeError => NaiveFinite ? Rel(Naive) : double.PositiveInfinity;

    /// <summary>|stable − reference| / |reference|.</summary>
    public double StableRelativeError => double.IsFinite(Stable) ? Rel(Stable) : double.PositiveInfinity;

    double Rel(double v) => Math.Abs(v - Reference) / Math.Max(Math.Abs(Reference), double.Epsilon);
}
