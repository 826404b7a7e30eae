namespace LlmLab.Monitoring.Drift;

/// <summary>
/// Dataset drift over every column of a reference (Evidently's DataDriftPreset rules): each column tested with
/// <see cref="ColumnDriftTest"/>, the dataset drifting when at least <see cref="DriftOptions.DriftShare"/> of the
/// columns do — or, with <see cref="MultipleTesting.Bonferroni"/>, when any column's p-value is below threshold / k
/// (alibi-detect's rule for k univariate tests). Pure; thread-safe.
/// </summary>
public static class DriftDetector
{
    /// <summary>Tests <paramref name="current"/> against <paramref name="reference"/>.</summary>
    /// <exception cref="InputException">Bad options, an empty current sample, or tables whose columns differ (names them).</exception>
    public static DriftReport Detect(DriftTable reference, DriftTable current, DriftOptions? options = null)
    {
        options ??= new DriftOptions();
        options.Validate();
        if (reference.Columns.Count == 0) throw new InputException("the reference has no columns");
        if (reference.Rows == 0) throw new InputException("the reference has no rows");
        if (current.Rows == 0) throw new InputException("the current window is empty: no records to compare with the reference");
        var missing = reference.Columns.Select(c => c.Name).Where(n => current.Find(n) is null).ToList();
        var extra = current.Columns.Select(c => c.Name).Where(n => reference.Find(n) is null).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new InputException("the reference and the current data have other columns: " +
                string.Join("; ", new[] { missing.Count > 0 ? "missing from the current data: " + string.Join(", ", missing) : null,
                    extra.Count > 0 ? "not in the reference: " + string.Join(", ", extra) : null }.Where(s => s is not null)) +
                " — build the reference from records of the same shape (llmlab drift reference)");
        int k = reference.Columns.Count;
        double? alpha = options.Correction == MultipleTesting.Bonferroni ? options.PValueThreshold / k : null;
        var results = reference.Columns.Select(r => ColumnDriftTest.Run(r, current.Find(r.Name)!, options, alpha)).ToList();
        double share = (double)results.Count(c => c.Drifted) / k;
        bool drift = options.Correction == MultipleTesting.Bonferroni ? results.Any(c => c.Drifted) : share >= options.DriftShare;
        return new DriftReport(results, reference.Rows, current.Rows, share, drift, options);
    }
}
