namespace LlmLab.Monitoring.Drift;

/// <summary>The univariate drift tests (Evidently's <c>stattest</c> names in brackets).</summary>
public enum DriftMethod
{
    /// <summary>Evidently's default choice by column kind, distinct values and reference size (see
    /// <see cref="ColumnDriftTest.DefaultMethod"/>).</summary>
    Auto,
    /// <summary>Two-sample Kolmogorov–Smirnov, p-value [ks].</summary>
    Ks,
    /// <summary>Chi-square goodness of fit of current counts against scaled reference counts, p-value [chisquare].</summary>
    ChiSquare,
    /// <summary>Two-proportion z-test for a binary column, p-value [z].</summary>
    ZTest,
    /// <summary>Wasserstein distance normed by the reference's standard deviation [wasserstein].</summary>
    Wasserstein,
    /// <summary>Jensen–Shannon distance of binned or counted distributions [jensenshannon].</summary>
    JensenShannon,
    /// <summary>Population stability index of binned or counted distributions [psi].</summary>
    Psi,
}

/// <summary>How p-values of several columns are corrected for testing many at once.</summary>
public enum MultipleTesting
{
    /// <summary>Each column at the p-value threshold; dataset drift when the share of drifted columns reaches the drift share
    /// (Evidently's rule).</summary>
    None,
    /// <summary>Each p-value column at threshold / k (k columns tested); dataset drift when any column drifts
    /// (alibi-detect's <c>correction='bonferroni'</c>). Distance tests are unaffected.</summary>
    Bonferroni,
}
