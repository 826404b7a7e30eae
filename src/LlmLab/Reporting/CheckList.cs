namespace LlmLab.Reporting;

/// <summary>
/// The checks of one lab run. Every claim names where its expectation comes from, so the helpers hang off the source:
/// <c>ctx.Checks.Libtorch("nn.LSTM").AtMost("forward max |Δ|", diff, 1e-5)</c>. Not thread-safe.
/// </summary>
public sealed class CheckList
{
    readonly List<Check> _checks = [];

    public IReadOnlyList<Check> All => _checks;

    /// <summary>No check failed (skipped ones do not fail a run; an empty list is judged by the caller).</summary>
    public bool AllPassed => _checks.All(c => !c.Failed);

    public Check Add(Check c) { _checks.Add(c); return c; }

    /// <summary>Checks against a figure published in a paper, model card or reference documentation.</summary>
    public SourcedChecks Published(string basis) => new(this, CheckSource.Published, basis);
    /// <summary>Checks against libtorch's built-in computing the same thing.</summary>
    public SourcedChecks Libtorch(string basis) => new(this, CheckSource.Libtorch, basis);
    /// <summary>Checks against another tool or library on the same input.</summary>
    public SourcedChecks Peer(string basis) => new(this, CheckSource.Peer, basis);
    /// <summary>Checks against a formula from the literature applied to a measurement.</summary>
    public SourcedChecks Formula(string basis) => new(this, CheckSource.Formula, basis);
    /// <summary>Checks against an exhaustive computation of the same answer.</summary>
    public SourcedChecks BruteForce(string basis) => new(this, CheckSource.BruteForce, basis);
    /// <summary>Checks against a case whose answer was known before the run (a planted defect or duplicate).</summary>
    public SourcedChecks KnownAnswer(string basis) => new(this, CheckSource.KnownAnswer, basis);
    /// <summary>Checks that two independent paths through our code agree.</summary>
    public SourcedChecks SelfConsistency(string basis) => new(this, CheckSource.SelfConsistency, basis);
}

/// <summary>The common shapes of claim, all tagged with one source. A value type: create one per source.</summary>
public readonly struct SourcedChecks(CheckList list, CheckSource source, string basis)
{
    Check Add(string name, string expected, string measured, bool passed, double? value = null) =>
        list.Add(new Check(name, expected, measured, passed ? CheckOutcome.Passed : CheckOutcome.Failed, source, basis, value));

    /// <summary>min ≤ value ≤ max.</summary>
    public Check InRange(string name, double value, double min, double max, string unit = "") =>
        Add(name, $"[{Check.Fmt(min)}, {Check.Fmt(max)}]{Sp(unit)}", Check.Fmt(value) + Sp(unit), value >= min && value <= max, value);

    /// <summary>value ≤ max (e.g. an error bound). NaN fails.</summary>
    public Check AtMost(string name, double value, double max, string unit = "") =>
        Add(name, $"≤ {Check.Fmt(max)}{Sp(unit)}", Check.Fmt(value) + Sp(unit), value <= max, value);

    /// <summary>value ≥ min. NaN fails.</summary>
    public Check AtLeast(string name, double value, double min, string unit = "") =>
        Add(name, $"≥ {Check.Fmt(min)}{Sp(unit)}", Check.Fmt(value) + Sp(unit), value >= min, value);

    /// <summary>|value − expected| ≤ tolerance × max(1, |expected|) when relative, else ≤ tolerance.</summary>
    public Check Close(string name, double value, double expected, double tolerance, bool relative = true, string unit = "")
    {
        double bound = relative ? tolerance * Math.Max(1, Math.Abs(expected)) : tolerance;
        string tol = relative ? $"{Check.Fmt(tolerance * 100)}%" : Check.Fmt(tolerance);
        return Add(name, $"{Check.Fmt(expected)}{Sp(unit)} ± {tol}", Check.Fmt(value) + Sp(unit), Math.Abs(value - expected) <= bound,
            value);
    }

    /// <summary>Exact equality of two integers (counts, bytes).</summary>
    public Check Equal(string name, long value, long expected, string unit = "") =>
        Add(name, expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + Sp(unit),
            value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + Sp(unit), value == expected, value);

    /// <summary>A yes/no claim with a description of what was seen.</summary>
    public Check True(string name, bool condition, string measured) => Add(name, "true", measured, condition);

    /// <summary>A claim with its own expectation text and outcome (e.g. a tolerance table's verdict).</summary>
    public Check Claim(string name, string expected, string measured, bool passed, double? value = null) =>
        Add(name, expected, measured, passed, value);

    /// <summary>A claim that could not be evaluated in this run; <paramref name="reason"/> says why and how to get it
    /// evaluated. Counted and shown as skipped; it does not fail the lab.</summary>
    public Check Skip(string name, string expected, string reason) =>
        list.Add(new Check(name, expected, reason, CheckOutcome.Skipped, source, basis));

    /// <summary>A claim that could not be evaluated and must fail the lab (a missing package the lab needs):
    /// <paramref name="reason"/> names the fix.</summary>
    public Check Unavailable(string name, string expected, string reason) => Add(name, expected, reason, false);

    static string Sp(string unit) => unit.Length == 0 ? "" : " " + unit;
}
