namespace LlmLab.Monitoring.Cascade;

/// <summary>How sure a scorer is of the small model's answer, and what judging it cost. Immutable.</summary>
/// <param name="Value">Higher = more confident; the cascade escalates below its threshold.</param>
/// <param name="ExtraInputTokens">Prompt tokens the scorer's own calls read (self-consistency's samples; 0 for log-probs).</param>
/// <param name="ExtraOutputTokens">Tokens those calls generated.</param>
public sealed record ConfidenceScore(double Value, long ExtraInputTokens = 0, long ExtraOutputTokens = 0);
