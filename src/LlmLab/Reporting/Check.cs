using System.Globalization;

namespace LlmLab.Reporting;

/// <summary>Where a check's expectation comes from. A lab claim must name one that lies outside the code under test;
/// <see cref="SelfConsistency"/> is the weakest kind (two paths through our own code that must agree) and is shown
/// as such in the report.</summary>
public enum CheckSource
{
    /// <summary>A figure published in a paper, a model card or a reference implementation's documentation.</summary>
    Published,
    /// <summary>libtorch's built-in (TorchSharp) computing the same thing.</summary>
    Libtorch,
    /// <summary>Another tool or library (PyTorch, datasketch, tiktoken, Lucene, promtool, …) on the same input.</summary>
    Peer,
    /// <summary>A formula from the literature applied to a measurement (ln V at initialisation, a unigram entropy).</summary>
    Formula,
    /// <summary>An exhaustive computation of the same answer (all pairs, every position).</summary>
    BruteForce,
    /// <summary>A case built with its answer known in advance (a planted duplicate, a planted defect, a hand-worked example).</summary>
    KnownAnswer,
    /// <summary>Two independent paths through our code that must agree (resume = uninterrupted, cached = uncached).</summary>
    SelfConsistency,
}

/// <summary>Whether a check held. A skipped check was not evaluated; it is counted and shown, with the reason in
/// <see cref="Check.Measured"/>, but does not fail the lab.</summary>
public enum CheckOutcome { Passed, Failed, Skipped }

/// <summary>
/// A named claim a lab verifies: what was expected (a human-readable range), what was measured, whether it held,
/// and where the expectation comes from (<see cref="Source"/> and a short <see cref="Basis"/>, e.g. "nn.LSTM" or
/// "ZeRO paper, Fig. 1"). Checks are the lab's contract; a failing one makes the lab (and the command) fail.
/// </summary>
public sealed record Check
{
    public Check(string name, string expected, string measured, CheckOutcome outcome, CheckSource source, string basis,
        double? value = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (string.IsNullOrWhiteSpace(basis))
            throw new ArgumentException($"check '{name}' names no basis for its expectation (where does it come from?)", nameof(basis));
        (Name, Expected, Measured, Outcome, Source, Basis, Value) = (name, expected, measured, outcome, source, basis, value);
    }

    public string Name { get; }
    public string Expected { get; }
    public string Measured { get; }
    public CheckOutcome Outcome { get; }
    public CheckSource Source { get; }
    public string Basis { get; }
    public double? Value { get; }

    public bool Passed => Outcome == CheckOutcome.Passed;
    public bool Failed => Outcome == CheckOutcome.Failed;
    public bool Skipped => Outcome == CheckOutcome.Skipped;

    /// <summary>The mark shown in reports: ✓ passed, ✗ failed, – skipped.</summary>
    public string Mark => Outcome switch { CheckOutcome.Passed => "✓", CheckOutcome.Failed => "✗", _ => "–" };

    /// <summary>The source as shown in reports: "libtorch: nn.LSTM".</summary>
    public string SourceLabel => $"{SourceName(Source)}: {Basis}";

    public override string ToString() =>
        $"{Mark} {Name}: {Measured} (expected {Expected}; {SourceLabel}){(Skipped ? " [skipped]" : "")}";

    /// <summary>The tag written to reports and result.json.</summary>
    public static string SourceName(CheckSource s) => s switch
    {
        CheckSource.Published => "published",
        CheckSource.Libtorch => "libtorch",
        CheckSource.Peer => "peer",
        CheckSource.Formula => "formula",
        CheckSource.BruteForce => "brute force",
        CheckSource.KnownAnswer => "known answer",
        _ => "self-consistency",
    };

    internal static string Fmt(double v) =>
        v == 0 ? "0" :
        Math.Abs(v) is >= 1 and < 1e15 && v == Math.Floor(v) ? v.ToString("N0", CultureInfo.InvariantCulture) :
        Math.Abs(v) is >= 1e-3 and < 1e7 ? v.ToString("0.######", CultureInfo.InvariantCulture) :
        v.ToString("0.###e+0", CultureInfo.InvariantCulture);
}
