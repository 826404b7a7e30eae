using static TorchSharp.torch;

namespace LlmLab.Data;

/// <summary>
/// Sequence-to-sequence training examples cut from a token array, as nanoGPT's <c>get_batch</c> does: a window of T
/// tokens x[s..s+T−1] and the same window shifted by one, y[s+1..s+T], so every position t predicts the token after it.
/// The token counterpart of <see cref="ContextWindows"/> (which gives one target per window, for bytes). Sampling is
/// driven by the caller's <see cref="Random"/>, so a seeded run draws the same batches.
/// </summary>
public static class TokenWindows
{
    /// <summary>
    /// A random batch: x and y, each (B, T) int64, y[b, t] = the token after x[b, t]. Window starts are uniform over
    /// every start that leaves room for the shifted target. The caller owns the tensors (they join the current dispose scope).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than T + 1 tokens, or T or B below 1.</exception>
    public static (Tensor X, Tensor Y) Sample(ReadOnlySpan<int> tokens, int context, int batch, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Check(tokens.Length, context, batch);
        var x = new long[batch * context];
        var y = new long[batch * context];
        for (int b = 0; b < batch; b++)
            Fill(tokens, rng.Next(tokens.Length - context), context, x.AsSpan(b * context, context), y.AsSpan(b * context, context));
        return (tensor(x, [batch, context]), tensor(y, [batch, context]));
    }

    /// <summary>
    /// A fixed evaluation set: <paramref name="count"/> windows with evenly spaced starts over the tokens (fewer when
    /// the tokens have fewer starts), so every evaluation of every model sees the same examples. x, y (count, T).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than T + 1 tokens, or T or count below 1.</exception>
    public static (Tensor X, Tensor Y) Evenly(ReadOnlySpan<int> tokens, int context, int count)
    {
        Check(tokens.Length, context, count);
        long starts = tokens.Length - context; // valid starts: 0 .. N − T − 1
        count = (int)Math.Min(count, starts);
        var x = new long[count * context];
        var y = new long[count * context];
        for (int i = 0; i < count; i++)
            Fill(tokens, (int)(starts * i / count), context, x.AsSpan(i * context, context), y.AsSpan(i * context, context));
        return (tensor(x, [count, context]), tensor(y, [count, context]));
    }

    static void Fill(ReadOnlySpan<int> tokens, int start, int context, Span<long> x, Span<long> y)
    {
        for (int t = 0; t < context; t++)
        {
            x[t] = tokens[start + t];
            y[t] = tokens[start + t + 1];
        }
    }

    static void Check(int length, int context, int count)
    {
        if (context < 1) throw new ArgumentException($"the context must be >= 1 token (got {context})", nameof(context));
        if (count < 1) throw new ArgumentException($"the number of windows must be >= 1 (got {count})", nameof(count));
        if (length <= context)
            throw new ArgumentException(
                $"the token array ({length:N0} tokens) must be longer than the context ({context:N0}): give " +
                $"more text or a shorter context");
    }
}
