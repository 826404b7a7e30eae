namespace LlmLab.Monitoring.Drift;

/// <summary>
/// The verdict on a whole table: each column's test, the share of columns that drifted and whether the dataset did.
/// Immutable.
/// </summary>
/// <param name="Columns">Per-column results, in the reference's column order.</param>
/// <param name="ReferenceRows">Rows of the reference.</param>
/// <param name="CurrentRows">Rows of the current sample.</param>
/// <param name="DriftedShare">Drifted columns ÷ columns tested.</param>
/// <param name="DatasetDrift">Share ≥ the drift share (no correction) or any column drifted (Bonferroni).</param>
/// <param name="Options">The options used.</param>
public sealed record DriftReport(IReadOnlyList<ColumnDrift> Columns, int ReferenceRows, int CurrentRows, double DriftedShare, bool DatasetDrift,
    DriftOptions Options)
{
    /// <summary>Columns that drifted.</summary>
    public int DriftedColumns => Columns.Count(c => c.Drifted);
}
