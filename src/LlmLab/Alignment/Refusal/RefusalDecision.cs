namespace LlmLab.Alignment.Refusal;

/// <summary>What a <see cref="RefusalGate"/> decided about one request. Immutable.</summary>
/// <param name="Refused">True when the score reached the gate's threshold.</param>
/// <param name="Score">The classifier's p(unsafe) of the screened text (0 when there was no user text).</param>
public sealed record RefusalDecision(bool Refused, double Score);
