namespace LlmLab.Monitoring.Drift;

/// <summary>Whether a column holds numbers or labels (Evidently's <c>num</c> and <c>cat</c>).</summary>
public enum ColumnKind
{
    Numeric,
    Categorical,
}

/// <summary>
/// One named column of a drift table: numbers (NaN-free) or labels. Missing values are simply absent (Evidently drops
/// NaN before testing), so two columns of one table may have different counts. Immutable.
/// </summary>
public sealed class DriftColumn
{
    DriftColumn(string name, ColumnKind kind, double[]? numbers, string[]? labels)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a column needs a name");
        (Name, Kind, _numbers, _labels) = (name, kind, numbers, labels);
    }

    readonly double[]? _numbers;
    readonly string[]? _labels;

    public string Name { get; }
    public ColumnKind Kind { get; }
    public int Count => _numbers?.Length ?? _labels!.Length;

    /// <summary>The values of a numeric column.</summary>
    /// <exception cref="InvalidOperationException">A categorical column.</exception>
    public IReadOnlyList<double> Numbers => _numbers ?? throw new InvalidOperationException($"column '{Name}' is categorical");

    /// <summary>The values of a categorical column.</summary>
    /// <exception cref="InvalidOperationException">A numeric column.</exception>
    public IReadOnlyList<string> Labels => _labels ?? throw new InvalidOperationException($"column '{Name}' is numeric");

    /// <summary>A numeric column; NaN values are dropped.</summary>
    public static DriftColumn Numeric(string name, IEnumerable<double> values) =>
        new(name, ColumnKind.Numeric, values.Where(v => !double.IsNaN(v)).ToArray(), null);

    /// <summary>A categorical column; null labels are dropped.</summary>
    public static DriftColumn Categorical(string name, IEnumerable<string?> values) =>
        new(name, ColumnKind.Categorical, null, values.Where(v => v is not null).Select(v => v!).ToArray());

    /// <summary>Number of distinct values.</summary>
    public int DistinctCount => _numbers is not null ? _numbers.Distinct().Count() : _labels!.Distinct(StringComparer.Ordinal).Count();

    /// <summary>The values as keys for counting (numbers in round-trip form, labels as they are).</summary>
    public IEnumerable<string> Keys() => _labels ?? _numbers!.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
}
