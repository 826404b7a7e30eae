namespace LlmLab.Agents.Prompts;

/// <summary>
/// A prompt evaluation: prompt variants × test cases × providers, each reply judged by the test's assertions (promptfoo's
/// model). Read from YAML by <see cref="PromptSuiteReader"/>, or built in code (lab 1.2). Immutable.
/// </summary>
/// <param name="Source">The file it was read from (or a name for a suite built in code).</param>
/// <param name="Description">What the suite evaluates.</param>
/// <param name="Variants">The prompt variants (rows of the matrix).</param>
/// <param name="Tests">The test cases (columns).</param>
/// <param name="Providers">The models asked when the command line names none.</param>
/// <param name="Options">Request options of every call.</param>
public sealed record PromptSuite(string Source, string? Description, IReadOnlyList<PromptVariant> Variants, IReadOnlyList<PromptTest> Tests,
    IReadOnlyList<ProviderSpec> Providers, PromptOptions Options)
{
    /// <summary>Renders every variant for every test once, so that a missing variable is reported before any model runs.</summary>
    /// <exception cref="InputException">A template uses a variable a test lacks.</exception>
    public void CheckVariables()
    {
        foreach (var t in Tests)
        {
            foreach (var v in Variants) v.Messages(t);
            foreach (var a in t.Assertions) a.Value?.Render(t.Vars, t.Id);
        }
    }
}
