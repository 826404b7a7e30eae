namespace LlmLab.Monitoring.Drift;

/// <summary>Named columns of one sample (a reference or a current window). Immutable.</summary>
public sealed class DriftTable
{
    /// <summary>A table of the given columns; names must be unique.</summary>
    public DriftTable(IEnumerable<DriftColumn> columns, int rows)
    {
        Columns = columns.ToList();
        var dup = Columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InputException($"column '{dup.Key}' appears twice");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
    }

    public IReadOnlyList<DriftColumn> Columns { get; }

    /// <summary>Records the table was made from (a column may hold fewer values: missing ones are dropped).</summary>
    public int Rows { get; }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of a table without missing
    /// values.</summary>
    /// <exception cref="InvalidOperationException">A column has missing values (its rows no longer line up).</exception>
    public DriftTable Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Rows);
        if (Columns.Any(c => c.Count != Rows)) throw new InvalidOperationException("only a table without missing values can be sliced by row");
        return new DriftTable(Columns.Select(c => c.Kind == ColumnKind.Numeric
            ? DriftColumn.Numeric(c.Name, c.Numbers.Skip(start).Take(count))
            : DriftColumn.Categorical(c.Name, c.Labels.Skip(start).Take(count))), count);
    }

    /// <summary>The column named <paramref name="name"/>, or null.</summary>
    public DriftColumn? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);
}
