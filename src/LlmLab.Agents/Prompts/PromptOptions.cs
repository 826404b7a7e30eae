namespace LlmLab.Agents.Prompts;

/// <summary>The request options every call of a suite uses (the file's <c>options:</c>). Immutable.</summary>
/// <param name="Temperature">0 (the default): greedy, so a run is repeatable and a pass rate means something.</param>
/// <param name="MaxTokens">The longest reply.</param>
/// <param name="Seed">Sent to providers that take one.</param>
public sealed record PromptOptions(double Temperature = 0, int MaxTokens = 256, long Seed = 0);
