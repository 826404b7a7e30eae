using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Data;

/// <summary>
/// Next-token examples cut from a token (or byte) sequence: a window of <c>context</c> tokens and the token that
/// follows it. Sampling is driven by the caller's <see cref="Random"/>, so a seeded run draws the same batches.
/// </summary>
public static class ContextWindows
{
    /// <summary>
    /// A random batch: x (B, context) int64 and y (B,) int64, where y[b] follows x[b]. The caller owns the tensors
    /// (they join the current dispose scope).
    /// </summary>
    public static (Tensor X, Tensor Y) Sample(ReadOnlySpan<byte> data, int context, int batch, Random rng)
    {
        if (data.Length <= context) throw new ArgumentException($"data ({data.Length} tokens) must be longer than the context ({context})");
        var x = new long[batch * context];
        var y = new long[batch];
        for (int b = 0; b < batch; b++)
        {
            int start = rng.Next(data.Length - context);
            for (int t = 0; t < context; t++) x[b * context + t] = data[start + t];
            y[b] = data[start + context];
        }
        return (tensor(x, [batch, context]), tensor(y, [batch]));
    }

    /// <summary>
    /// A fixed evaluation set: <paramref name="count"/> windows evenly spaced over <paramref name="data"/>, so every
    /// evaluation of every model sees the same examples. x (count, context), y (count,).
    /// </summary>
    public static (Tensor X, Tensor Y) Evenly(ReadOnlySpan<byte> data, int context, int count)
    {
        if (data.Length <= context) throw new ArgumentException($"data ({data.Length} tokens) must be longer than the context ({context})");
        long span = data.Length - context;
        count = (int)Math.Min(count, span);
        var x = new long[count * context];
        var y = new long[count];
        for (int i = 0; i < count; i++)
        {
            int start = (int)(span * i / count);
            for (int t = 0; t < context; t++) x[i * context + t] = data[start + t];
            y[i] = data[start + context];
        }
        return (tensor(x, [count, context]), tensor(y, [count]));
    }
}
