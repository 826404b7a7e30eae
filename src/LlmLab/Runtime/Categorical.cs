namespace LlmLab.Runtime;

/// <summary>
/// A draw from a categorical distribution by inverse CDF, given the uniform number: the project's one sampler, shared by
/// the recurrent models, the teaching GPT generator, the generation engine and speculative decoding, so that one seed and
/// one distribution give one token everywhere. Pure and thread-safe.
/// </summary>
public static class Categorical
{
    /// <summary>The smallest i whose cumulative weight exceeds u·Σw (u in [0, 1)); the weights need not sum to 1 (softmax's
    /// total is 1 only up to round-off), and a zero weight is never drawn.</summary>
    /// <exception cref="ArgumentException">No positive weight.</exception>
    public static int Draw(ReadOnlySpan<double> weights, double u)
    {
        double total = 0;
        foreach (double w in weights) total += w;
        double target = u * total, acc = 0;
        int last = -1;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0) continue;
            acc += weights[i];
            last = i;
            if (target < acc) return i;
        }
        return last >= 0 ? last : throw new ArgumentException("a categorical draw needs at least one positive weight", nameof(weights));
    }
}
