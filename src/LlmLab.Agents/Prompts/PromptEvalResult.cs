namespace LlmLab.Agents.Prompts;

/// <summary>Every cell of one evaluation, with the pass rates the matrix and the report show. Immutable.</summary>
/// <param name="Suite">What was evaluated.</param>
/// <param name="Providers">The providers' ids, in the order asked.</param>
/// <param name="Cells">Provider-major, then variant, then test.</param>
public sealed record PromptEvalResult(PromptSuite Suite, IReadOnlyList<string> Providers, IReadOnlyList<PromptCell> Cells)
{
    /// <summary>Whether every cell passed.</summary>
    public bool AllPassed => Cells.All(c => c.Passed);

    /// <summary>The cell of (provider, variant, test).</summary>
    public PromptCell Cell(string provider, string variant, string test) =>
        Cells.First(c => c.Provider == provider && c.Variant == variant && c.Test == test);

    /// <summary>The share of <paramref name="variant"/>'s tests that passed with <paramref name="provider"/>
    /// (optionally only the tests <paramref name="tests"/> selects).</summary>
    public double PassRate(string provider, string variant, Func<string, bool>? tests = null)
    {
        var cells = Cells.Where(c => c.Provider == provider && c.Variant == variant && (tests?.Invoke(c.Test) ?? true)).ToList();
        return cells.Count == 0 ? double.NaN : cells.Count(c => c.Passed) / (double)cells.Count;
    }
}
