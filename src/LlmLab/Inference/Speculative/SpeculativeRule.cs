namespace LlmLab.Inference.Speculative;

/// <summary>
/// The verification step of speculative sampling (Leviathan et al. 2023, Algorithm 1; Chen et al. 2023, Algorithm 2),
/// on probability vectors. Given γ draft tokens x₁…x_γ drawn from the draft's distributions q₁…q_γ and the target's
/// distributions p₁…p_{γ+1} at the same positions:
/// <list type="number">
/// <item>for i = 1…γ, accept xᵢ with probability min(1, pᵢ(xᵢ)/qᵢ(xᵢ)) (one uniform draw each);</item>
/// <item>at the first rejection, draw the next token from norm(max(0, pᵢ − qᵢ)) and stop;</item>
/// <item>if all γ are accepted, draw one more token from p_{γ+1}.</item>
/// </list>
/// Every token produced is then distributed exactly as the target alone would produce it (the papers' theorem; our
/// tests check it statistically). Greedy decoding is the limit where p and q put all mass on their argmax: accept while
/// xᵢ = argmax pᵢ, and the corrected token is argmax pᵢ, so the output equals the target's greedy output.
/// Stateless and thread-safe (the <see cref="Random"/> is the caller's).
/// </summary>
public static class SpeculativeRule
{
    /// <param name="draft">x₁…x_γ.</param>
    /// <param name="q">qᵢ, the draft's (processed) distribution each xᵢ was drawn from; γ vectors of V.</param>
    /// <param name="p">pᵢ, the target's (processed) distributions at the same positions, plus one after x_γ; γ + 1 vectors.</param>
    /// <param name="greedy">Compare with the target's argmax instead of drawing.</param>
    /// <param name="rng">The request's stream.</param>
    /// <returns>How many draft tokens were accepted, and the token that follows them (the correction or the bonus).</returns>
    public static (int Accepted, int Next) Verify(IReadOnlyList<int> draft, IReadOnlyList<double[]> q, IReadOnlyList<double[]> p, bool greedy, Random rng)
    {
        int gamma = draft.Count;
        if (q.Count != gamma || p.Count != gamma + 1)
            throw new ArgumentException($"need γ = {gamma} draft distributions and γ + 1 target distributions; got {q.Count} and {p.Count}");
        for (int i = 0; i < gamma; i++)
        {
            int x = draft[i];
            if (greedy)
            {
                int best = ArgMax(p[i]);
                if (x != best) return (i, best);                                                     // 2. (greedy)
                continue;
            }
            double px = p[i][x], qx = q[i][x];
            if (qx > 0 && rng.NextDouble() < Math.Min(1, px / qx)) continue;                        // 1.
            var residual = new double[p[i].Length];                                                  // 2.
            for (int v = 0; v < residual.Length; v++) residual[v] = Math.Max(0, p[i][v] - q[i][v]);
            // The residual is empty only when p = q, where rejection has probability 0 (kept for round-off safety).
            return (i, residual.Sum() > 0 ? TokenSampler.Draw(residual, rng.NextDouble()) : TokenSampler.Draw(p[i], rng.NextDouble()));
        }
        return (gamma, greedy ? ArgMax(p[gamma]) : TokenSampler.Draw(p[gamma], rng.NextDouble()));   // 3.
    }

    /// <summary>The index of the largest probability (the lowest on ties).</summary>
    internal static int ArgMax(double[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
