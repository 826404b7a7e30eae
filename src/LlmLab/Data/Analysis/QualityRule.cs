using System.Globalization;

namespace LlmLab.Data.Analysis;

/// <summary>
/// One published document filter: the signal it reads, the threshold(s) at which it removes a document, and where
/// the threshold comes from. Immutable; thread-safe.
/// </summary>
/// <param name="Id">Short stable id ("gopher.word_count").</param>
/// <param name="Family">Gopher, Gopher repetition, C4 or FineWeb.</param>
/// <param name="Signal">What is measured, in words ("words per document").</param>
/// <param name="Measure">Reads the signal from a document's <see cref="DocumentSignals"/>.</param>
/// <param name="RemoveBelow">Documents whose signal is below this are removed (null: no lower bound).</param>
/// <param name="RemoveAbove">Documents whose signal is above this are removed (null: no upper bound).</param>
/// <param name="Inclusive">True when a value equal to a bound is removed too (FineWeb's ≤ and ≥), false for strict bounds.</param>
/// <param name="Source">The paper (and section or table) or reference code the bound is taken from.</param>
/// <param name="Bins">Histogram bins for the signal's distribution; null for yes/no rules, which are not drawn.</param>
public sealed record QualityRule(
    string Id, string Family, string Signal, Func<DocumentSignals, double> Measure,
    double? RemoveBelow, double? RemoveAbove, bool Inclusive, string Source, HistogramBins? Bins)
{
    /// <summary>True when this rule removes a document with these signals.</summary>
    public bool Removes(DocumentSignals s)
    {
        double v = Measure(s);
        return (RemoveBelow is double lo && (Inclusive ? v <= lo : v < lo))
            || (RemoveAbove is double hi && (Inclusive ? v >= hi : v > hi));
    }

    /// <summary>The removal condition as text: "&lt; 50 or &gt; 100,000".</summary>
    public string Condition
    {
        get
        {
            string lt = Inclusive ? "≤" : "<", gt = Inclusive ? "≥" : ">";
            var parts = new List<string>();
            if (RemoveBelow is double lo) parts.Add($"{lt} {F(lo)}");
            if (RemoveAbove is double hi) parts.Add($"{gt} {F(hi)}");
            return string.Join(" or ", parts);
        }
    }

    static string F(double v) => v == Math.Floor(v) && Math.Abs(v) >= 1
        ? v.ToString("N0", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The histogram shape of a signal (see <see cref="Histogram"/>).</summary>
public sealed record HistogramBins(double Min, double Max, int Count, bool Log10 = false)
{
    /// <summary>A new, empty histogram of this shape.</summary>
    public Histogram Create() => new(Min, Max, Count, Log10);
}
