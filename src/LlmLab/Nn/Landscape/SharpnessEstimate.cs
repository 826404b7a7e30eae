namespace LlmLab.Nn.Landscape;

/// <summary>
/// Sharpness of a minimum at filter-normalised radius ρ (see <see cref="LossLandscape.Sharpness"/>):
/// <see cref="MeanIncrease"/> = mean over directions k of [L(θ* + ρ·d_k) + L(θ* − ρ·d_k)] / 2 − L(θ*).
/// </summary>
/// <param name="Rho">The radius ρ, in units of the filter-normalised direction (ρ = 1 moves every filter by its own norm).</param>
/// <param name="CenterLoss">L(θ*).</param>
/// <param name="Increases">Per direction, the mean of the two one-sided increases.</param>
public sealed record SharpnessEstimate(double Rho, double CenterLoss, IReadOnlyList<double> Increases)
{
    /// <summary>Mean loss increase at radius ρ over the directions.</summary>
    public double MeanIncrease => Increases.Average();

    /// <summary>Standard deviation of the per-direction increases (0 with one direction).</summary>
    public double StdIncrease
    {
        get
        {
            if (Increases.Count < 2) return 0;
            double m = MeanIncrease;
            return Math.Sqrt(Increases.Sum(v => (v - m) * (v - m)) / (Increases.Count - 1));
        }
    }
}
