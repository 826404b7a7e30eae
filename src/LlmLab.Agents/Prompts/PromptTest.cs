namespace LlmLab.Agents.Prompts;

/// <summary>A test case: values for the templates' variables and the assertions every reply to it must pass.
/// Immutable.</summary>
/// <param name="Id">Its name in the matrix (a column).</param>
/// <param name="Vars">Variable values, by name.</param>
/// <param name="Assertions">What a reply must satisfy (all of them, for the cell to pass).</param>
/// <param name="Location">Where it was written ("prompts.yaml:30 tests[2]").</param>
public sealed record PromptTest(string Id, IReadOnlyDictionary<string, string> Vars, IReadOnlyList<PromptAssertion> Assertions,
    string Location);
