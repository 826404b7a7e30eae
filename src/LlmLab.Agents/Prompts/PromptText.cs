using System.Text.RegularExpressions;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// A piece of a prompt file that may use variables, <c>{{name}}</c> (spaces inside the braces allowed), with where it was
/// written (<c>file:line key</c>) so that an error about it points at the line to fix. Immutable.
/// </summary>
/// <param name="Text">The template text as written.</param>
/// <param name="Location">"prompts.yaml:12 prompts[0].user": the file, the line and the key it came from.</param>
public sealed partial record PromptText(string Text, string Location)
{
    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Variable();

    /// <summary>The variable names the text uses, in order of first use.</summary>
    public IReadOnlyList<string> Variables => Variable().Matches(Text).Select(m => m.Groups[1].Value).Distinct().ToArray();

    /// <summary>The text with every variable replaced by its value in <paramref name="vars"/>.</summary>
    /// <exception cref="InputException">A variable that <paramref name="vars"/> lacks (the message names this text's
    /// location, the variable and <paramref name="testName"/>).</exception>
    public string Render(IReadOnlyDictionary<string, string> vars, string testName)
    {
        ArgumentNullException.ThrowIfNull(vars);
        return Variable().Replace(Text, m => vars.TryGetValue(m.Groups[1].Value, out var v) ? v
            : throw new InputException($"{Location} uses {{{{{m.Groups[1].Value}}}}} but test '{testName}' has no variable " +
                                       $"'{m.Groups[1].Value}': add it under that test's vars (it has: {Names(vars)})"));
    }

    static string Names(IReadOnlyDictionary<string, string> vars) => vars.Count == 0 ? "none" : string.Join(", ", vars.Keys);

    public override string ToString() => Text;
}
