namespace LlmLab.Monitoring.Drift;

/// <summary>The customary reading of a PSI value (Siddiqi 2006, "Credit Risk Scorecards"; Evidently's default threshold is the first
/// bound).</summary>
public enum PsiBand
{
    /// <summary>PSI &lt; 0.1: no significant change.</summary>
    Stable,
    /// <summary>0.1 ≤ PSI &lt; 0.25: a moderate change, worth a look.</summary>
    Moderate,
    /// <summary>PSI ≥ 0.25: a significant change.</summary>
    Significant,
}

/// <summary>
/// The population stability index, Σ (r − c)·ln(r / c) over the bins of two distributions (shares with empty bins filled,
/// see <see cref="BinnedDistributions"/>): a symmetrised KL divergence. Pure; thread-safe.
/// </summary>
public static class PopulationStabilityIndex
{
    /// <summary>Lower bound of <see cref="PsiBand.Moderate"/>.</summary>
    public const double ModerateAt = 0.1;
    /// <summary>Lower bound of <see cref="PsiBand.Significant"/>.</summary>
    public const double SignificantAt = 0.25;

    /// <summary>PSI of two aligned share vectors (every share &gt; 0).</summary>
    public static double Compute(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        if (reference.Count != current.Count) throw new ArgumentException($"PSI needs aligned bins (got {reference.Count} and {current.Count})");
        double psi = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            double r = reference[i], c = current[i];
            if (r <= 0 || c <= 0) throw new ArgumentException("PSI needs every share > 0: fill empty bins first");
            psi += (r - c) * Math.Log(r / c);
        }
        return psi;
    }

    /// <summary>The band a PSI value falls in.</summary>
    public static PsiBand Band(double psi) => psi >= SignificantAt ? PsiBand.Significant : psi >= ModerateAt ? PsiBand.Moderate : PsiBand.Stable;
}
