namespace LlmLab.Monitoring.Drift;

/// <summary>
/// Thresholds and rules of the drift tests, Evidently's defaults unless changed. Immutable.
/// </summary>
public sealed record DriftOptions
{
    /// <summary>A p-value test flags drift below this (Evidently's default for ks, chisquare and z).</summary>
    public double PValueThreshold { get; init; } = 0.05;

    /// <summary>A distance test flags drift at or above this (Evidently's default for wasserstein and jensenshannon).</summary>
    public double DistanceThreshold { get; init; } = 0.1;

    /// <summary>PSI flags drift at or above this (Evidently's default; 0.1–0.25 is the customary "moderate" band).</summary>
    public double PsiThreshold { get; init; } = 0.1;

    /// <summary>The dataset drifts when at least this share of its columns drift (Evidently's <c>drift_share</c>).</summary>
    public double DriftShare { get; init; } = 0.5;

    /// <summary>References up to this many rows get the statistical tests, larger ones the distances (Evidently: 1,000),
    /// because with many rows a p-value flags differences too small to matter.</summary>
    public int LargeReferenceRows { get; init; } = 1000;

    /// <summary>Equal-width bins for numeric columns in the binned scores (Evidently: 30).</summary>
    public int Bins { get; init; } = 30;

    /// <summary>The test for every column; <see cref="DriftMethod.Auto"/> chooses per column as Evidently does.</summary>
    public DriftMethod Method { get; init; } = DriftMethod.Auto;

    public MultipleTesting Correction { get; init; } = MultipleTesting.None;

    /// <summary>Rejects thresholds outside [0, 1] and other impossible settings, naming the option.</summary>
    /// <exception cref="InputException">A value out of range.</exception>
    public void Validate()
    {
        Unit(PValueThreshold, "p-value threshold");
        Unit(DistanceThreshold, "distance threshold");
        Unit(PsiThreshold, "PSI threshold");
        Unit(DriftShare, "drift share");
        if (LargeReferenceRows < 1) throw new InputException($"the large-reference row count must be >= 1 (got {LargeReferenceRows})");
        if (Bins is < 2 or > 10_000) throw new InputException($"the number of bins must be in [2, 10000] (got {Bins})");
    }

    static void Unit(double v, string what)
    {
        if (!(v >= 0 && v <= 1)) throw new InputException($"the {what} must be in [0, 1] (got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
    }
}
