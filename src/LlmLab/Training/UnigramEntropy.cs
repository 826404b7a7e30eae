namespace LlmLab.Training;

/// <summary>
/// The entropy of a token sequence's own unigram distribution, H = −Σ p(v) ln p(v) with p(v) = count(v) / N: what
/// the best context-free model of that very text would pay per token. A language model that uses context must train
/// below it; one that does not has learned only token frequencies.
/// </summary>
public static class UnigramEntropy
{
    /// <summary>H in nats per token (0 for an empty or one-symbol sequence).</summary>
    /// <exception cref="ArgumentException">A negative token id.</exception>
    public static double Nats(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length == 0) return 0;
        var counts = new Dictionary<int, long>();
        foreach (int t in tokens)
        {
            if (t < 0) throw new ArgumentException($"token ids must be >= 0 (got {t})", nameof(tokens));
            counts[t] = counts.GetValueOrDefault(t) + 1;
        }
        double n = tokens.Length, h = 0;
        foreach (long c in counts.Values)
        {
            double p = c / n;
            h -= p * Math.Log(p);
        }
        return h;
    }

    /// <summary>
    /// The cross-entropy on <paramref name="eval"/> of a unigram model fitted to <paramref name="train"/> with additive
    /// (Laplace) smoothing, p(v) = (count(v) + α) / (N + α·V): the real unigram baseline of a model trained on
    /// <paramref name="train"/>, in nats per token. Unlike <see cref="Nats"/> of the evaluation text itself, it does not
    /// flatter large vocabularies, whose many rare tokens make a short text's own frequencies an overfit.
    /// </summary>
    /// <exception cref="ArgumentException">An id outside 0..V−1, an empty evaluation text, or α ≤ 0.</exception>
    public static double CrossNats(ReadOnlySpan<int> train, ReadOnlySpan<int> eval, int vocab, double alpha = 1)
    {
        if (vocab < 1) throw new ArgumentException($"vocab must be >= 1 (got {vocab})", nameof(vocab));
        if (!(alpha > 0)) throw new ArgumentException($"alpha must be > 0 (got {alpha})", nameof(alpha));
        if (eval.Length == 0) throw new ArgumentException("the evaluation text has no tokens", nameof(eval));
        var counts = new long[vocab];
        foreach (int t in train) counts[Check(t, vocab)]++;
        double denominator = train.Length + alpha * vocab, total = 0;
        foreach (int t in eval) total -= Math.Log((counts[Check(t, vocab)] + alpha) / denominator);
        return total / eval.Length;
    }

    static int Check(int id, int vocab) =>
        (uint)id < (uint)vocab ? id : throw new ArgumentException($"token id {id} is outside the vocabulary 0..{vocab - 1}");

    /// <summary>The number of distinct ids in <paramref name="tokens"/>.</summary>
    public static int Distinct(ReadOnlySpan<int> tokens)
    {
        var seen = new HashSet<int>();
        foreach (int t in tokens) seen.Add(t);
        return seen.Count;
    }
}
