using System.Globalization;

namespace LlmLab.Reporting;

/// <summary>
/// A named claim a lab verifies: what was expected (a human-readable range), what was measured, and whether it
/// passed. Checks are the lab's contract; a failing one makes the lab (and the command) fail.
/// </summary>
public sealed record Check(string Name, string Expected, string Measured, bool Passed, double? Value = null)
{
    public override string ToString() => $"{(Passed ? "✓" : "✗")} {Name}: {Measured} (expected {Expected})";

    internal static string Fmt(double v) =>
        v == 0 ? "0" :
        Math.Abs(v) is >= 1 and < 1e15 && v == Math.Floor(v) ? v.ToString("N0", CultureInfo.InvariantCulture) :
        Math.Abs(v) is >= 1e-3 and < 1e7 ? v.ToString("0.######", CultureInfo.InvariantCulture) :
        v.ToString("0.###e+0", CultureInfo.InvariantCulture);
}

/// <summary>The checks of one lab run, with helpers for the common shapes of claim. Not thread-safe.</summary>
public sealed class CheckList
{
    readonly List<Check> _checks = [];

    public IReadOnlyList<Check> All => _checks;
    public bool AllPassed => _checks.All(c => c.Passed);

    public Check Add(Check c) { _checks.Add(c); return c; }

    /// <summary>min ≤ value ≤ max.</summary>
    public Check InRange(string name, double value, double min, double max, string unit = "") =>
        Add(new Check(name, $"[{Check.Fmt(min)}, {Check.Fmt(max)}]{Sp(unit)}", Check.Fmt(value) + Sp(unit),
            value >= min && value <= max, value));

    /// <summary>value ≤ max (e.g. an error bound).</summary>
    public Check AtMost(string name, double value, double max, string unit = "") =>
        Add(new Check(name, $"≤ {Check.Fmt(max)}{Sp(unit)}", Check.Fmt(value) + Sp(unit), value <= max, value));

    /// <summary>value ≥ min.</summary>
    public Check AtLeast(string name, double value, double min, string unit = "") =>
        Add(new Check(name, $"≥ {Check.Fmt(min)}{Sp(unit)}", Check.Fmt(value) + Sp(unit), value >= min, value));

    /// <summary>|value − expected| ≤ tolerance × max(1, |expected|) when relative, else ≤ tolerance.</summary>
    public Check Close(string name, double value, double expected, double tolerance, bool relative = true, string unit = "")
    {
        double bound = relative ? tolerance * Math.Max(1, Math.Abs(expected)) : tolerance;
        string tol = relative ? $"{Check.Fmt(tolerance * 100)}%" : Check.Fmt(tolerance);
        return Add(new Check(name, $"{Check.Fmt(expected)}{Sp(unit)} ± {tol}", Check.Fmt(value) + Sp(unit),
            Math.Abs(value - expected) <= bound, value));
    }

    /// <summary>Exact equality of two integers (counts, bytes).</summary>
    public Check Equal(string name, long value, long expected, string unit = "") =>
        Add(new Check(name, expected.ToString("N0", CultureInfo.InvariantCulture) + Sp(unit),
            value.ToString("N0", CultureInfo.InvariantCulture) + Sp(unit), value == expected, value));

    /// <summary>A yes/no claim with a description of what was seen.</summary>
    public Check True(string name, bool condition, string measured) =>
        Add(new Check(name, "true", measured, condition));

    static string Sp(string unit) => unit.Length == 0 ? "" : " " + unit;
}
