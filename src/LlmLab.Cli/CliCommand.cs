namespace LlmLab.Cli;

/// <summary>One command of <c>llmlab</c>, e.g. "labs run". Writes results to <paramref name="out"/>; returns the exit code.</summary>
public abstract class CliCommand
{
    /// <summary>The words that select the command, e.g. "labs run".</summary>
    public abstract string Name { get; }
    public abstract string Summary { get; }
    /// <summary>Arguments after the name, e.g. "&lt;id…|all&gt; [--profile smoke|quick|full]".</summary>
    public abstract string Usage { get; }
    /// <summary>Options that take a value (without the leading --).</summary>
    public virtual IReadOnlySet<string> Options => new HashSet<string>();
    /// <summary>Options without value.</summary>
    public virtual IReadOnlySet<string> Flags => new HashSet<string>();

    public abstract int Execute(CliArgs args, TextWriter @out);
}
