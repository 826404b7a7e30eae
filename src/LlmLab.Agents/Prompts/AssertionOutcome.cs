namespace LlmLab.Agents.Prompts;

/// <summary>How one reply fared against one assertion. Immutable.</summary>
/// <param name="Kind">The assertion's kind.</param>
/// <param name="Assertion">What was asserted, in words (<see cref="PromptAssertion.Describe"/>).</param>
/// <param name="Passed">Whether the reply satisfied it.</param>
/// <param name="Detail">Why it failed (or what was measured), for the report.</param>
public sealed record AssertionOutcome(AssertionKind Kind, string Assertion, bool Passed, string Detail);
