namespace LlmLab.Inference.Speculative;

/// <summary>A speculative generation and what it cost.</summary>
/// <param name="Tokens">The tokens produced (after the prompt).</param>
/// <param name="Gamma">Draft tokens proposed per target call.</param>
/// <param name="TargetCalls">Target forwards (the prefill not counted).</param>
/// <param name="DraftCalls">Draft forwards (the prefill not counted).</param>
/// <param name="Proposed">Draft tokens proposed.</param>
/// <param name="Accepted">Draft tokens accepted.</param>
/// <param name="Elapsed">Wall-clock time, prefill included.</param>
public sealed record SpeculativeResult(IReadOnlyList<int> Tokens, int Gamma, int TargetCalls, int DraftCalls, int Proposed, int Accepted, TimeSpan Elapsed)
{
    /// <summary>α, the fraction of proposed draft tokens accepted.</summary>
    public double AcceptanceRate => Proposed == 0 ? 0 : (double)Accepted / Proposed;

    /// <summary>Tokens produced per target call (1 for plain decoding).</summary>
    public double TokensPerTargetCall => TargetCalls == 0 ? 0 : (double)Tokens.Count / TargetCalls;

    /// <summary>
    /// The expected tokens per target call for acceptance rate α and γ draft tokens, if acceptances were independent:
    /// (1 − α^(γ+1)) / (1 − α) (Leviathan et al. 2023, equation 1).
    /// </summary>
    public static double ExpectedTokensPerCall(double alpha, int gamma) =>
        alpha >= 1 ? gamma + 1 : (1 - Math.Pow(alpha, gamma + 1)) / (1 - alpha);
}
