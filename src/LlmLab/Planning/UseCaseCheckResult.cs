namespace LlmLab.Planning;

/// <summary>
/// What <see cref="UseCaseChecker"/> found in one spec: every finding, and — when the model, dtype, GPU and token
/// sizes could all be read — the memory and latency estimate the consistency checks used.
/// </summary>
public sealed record UseCaseCheckResult(string Source, IReadOnlyList<UseCaseFinding> Findings, UseCaseSizing? Sizing)
{
    public int ErrorCount => Findings.Count(f => f.Severity == UseCaseSeverity.Error);
    public int WarningCount => Findings.Count(f => f.Severity == UseCaseSeverity.Warning);
    /// <summary>No errors (warnings are allowed).</summary>
    public bool Passed => ErrorCount == 0;
    public IEnumerable<UseCaseFinding> Errors => Findings.Where(f => f.Severity == UseCaseSeverity.Error);
}
