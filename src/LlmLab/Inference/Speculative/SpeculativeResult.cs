namespace LlmLab.Inference.Speculative;

/// <summary>A speculative generation and what it cost.</summary>
/// <param name="Tokens">The tokens produced (after the prompt).</param>
/// <param name="Gamma">Draft tokens proposed per target call.</param>
/// <param name="TargetCalls">Target forwards (the prefill not counted).</param>
/// <param name="DraftCalls">Draft forwards (the prefill not counted).</param>
/// <param name="Proposed">Draft tokens proposed.</param>
/// <param name="Accepted">Draft tokens accepted.</param>
/// <param name="Rejected">Draft tokens rejected: one in each target call that did not accept all its drafts (the
/// drafts after the first rejection are never verified).</param>
/// <param name="Elapsed">Wall-clock time, prefill included.</param>
public sealed record SpeculativeResult(IReadOnlyList<int> Tokens, int Gamma, int TargetCalls, int DraftCalls, int Proposed, int Accepted, int Rejected, TimeSpan Elapsed)
{
    /// <summary>
    /// α, the probability that a verified draft token is accepted, estimated as accepted / (accepted + rejected) over
    /// the positions the rule actually verified — the α of Leviathan et al. (2023, section 3.1) that
    /// <see cref="ExpectedTokensPerCall"/> takes. (Accepted / proposed is smaller: it also counts the drafts after a
    /// rejection, which are thrown away unverified; see <see cref="AcceptedFraction"/>.)
    /// </summary>
    public double AcceptanceRate => Accepted + Rejected == 0 ? 0 : (double)Accepted / (Accepted + Rejected);

    /// <summary>The fraction of proposed draft tokens kept: accepted / proposed (the draft work not wasted).</summary>
    public double AcceptedFraction => Proposed == 0 ? 0 : (double)Accepted / Proposed;

    /// <summary>Tokens produced per target call (1 for plain decoding).</summary>
    public double TokensPerTargetCall => TargetCalls == 0 ? 0 : (double)Tokens.Count / TargetCalls;

    /// <summary>
    /// The expected tokens per target call for acceptance rate α and γ draft tokens, if acceptances were independent:
    /// (1 − α^(γ+1)) / (1 − α) (Leviathan et al. 2023, equation 1).
    /// </summary>
    public static double ExpectedTokensPerCall(double alpha, int gamma) =>
        alpha >= 1 ? gamma + 1 : (1 - Math.Pow(alpha, gamma + 1)) / (1 - alpha);
}
