namespace LlmLab.Agents.Prompts;

/// <summary>One cell of the evaluation: a provider's reply to one test asked with one variant, and how it fared.
/// Immutable.</summary>
/// <param name="Provider">The provider's id.</param>
/// <param name="Variant">The variant's id.</param>
/// <param name="Test">The test's id.</param>
/// <param name="Reply">The reply's text ("" when the call failed).</param>
/// <param name="Answer">The part judged (the last line for a reasoning variant).</param>
/// <param name="LatencyMs">Wall-clock time of the call.</param>
/// <param name="InputTokens">Prompt tokens the provider reported.</param>
/// <param name="OutputTokens">Reply tokens the provider reported.</param>
/// <param name="Error">Why the call failed (null: it did not); a failed call fails the cell.</param>
/// <param name="Outcomes">One per assertion of the test (empty when the call failed).</param>
public sealed record PromptCell(string Provider, string Variant, string Test, string Reply, string Answer, double LatencyMs,
    long? InputTokens, long? OutputTokens, string? Error, IReadOnlyList<AssertionOutcome> Outcomes)
{
    /// <summary>The call succeeded and every assertion passed.</summary>
    public bool Passed => Error is null && Outcomes.All(o => o.Passed);
}
