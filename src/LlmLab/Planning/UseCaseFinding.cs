namespace LlmLab.Planning;

/// <summary>How bad a finding is: an error makes the spec incomplete; a warning is advice.</summary>
public enum UseCaseSeverity { Error, Warning }

/// <summary>
/// One thing the checker found in a use-case spec: its severity, the field path (e.g.
/// <c>success_metrics[1].target</c>, indices from 0), what is wrong, and how to fix it.
/// </summary>
public sealed record UseCaseFinding(UseCaseSeverity Severity, string Path, string Message, string Fix)
{
    /// <summary>One line: <c>error  success_metrics[1].target: … — fix: …</c>.</summary>
    public override string ToString() =>
        $"{(Severity == UseCaseSeverity.Error ? "error  " : "warning ")}{Path}: {Message} — fix: {Fix}";
}
