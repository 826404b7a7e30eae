namespace LlmLab.Monitoring.Drift;

/// <summary>
/// One column's drift verdict. <paramref name="Score"/> is a p-value (drift below <paramref name="Threshold"/>) when
/// <paramref name="ScoreIsPValue"/>, else a distance or PSI (drift at or above it). Immutable.
/// </summary>
/// <param name="Column">The column's name.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Method">The test that ran (never <see cref="DriftMethod.Auto"/>).</param>
/// <param name="Statistic">The test's statistic (KS D, χ², z) or the distance itself.</param>
/// <param name="Score">The p-value or the distance that decides.</param>
/// <param name="ScoreIsPValue">Whether <paramref name="Score"/> is a p-value.</param>
/// <param name="Threshold">The threshold applied (after any multiple-testing correction).</param>
/// <param name="Drifted">The verdict.</param>
/// <param name="ReferenceCount">Reference values tested.</param>
/// <param name="CurrentCount">Current values tested.</param>
public sealed record ColumnDrift(string Column, ColumnKind Kind, DriftMethod Method, double Statistic, double Score, bool ScoreIsPValue,
    double Threshold, bool Drifted, int ReferenceCount, int CurrentCount);
