using static TorchSharp.torch;

namespace LlmLab.Data.Shards;

/// <summary>
/// A fixed set of evaluation batches from a split (normally "val"): the same windows every time, so every evaluation of
/// every model is measured on the same tokens. Windows are those of <see cref="ShardBatchLoader"/> (T + 1 tokens at
/// starts 0, T, 2T, … of each shard), taken evenly spaced over the whole split in storage order. Thread-safe as far as
/// the <see cref="ShardSet"/> is not shared.
/// </summary>
public static class ShardEvalBatches
{
    /// <summary>
    /// Up to <paramref name="batches"/> batches of <paramref name="batch"/> windows (fewer when the split has fewer
    /// windows; the last batch may be smaller): x, y (B, T) int64 each. The caller owns the tensors (they join its dispose
    /// scope); wrap them in the trainer's evaluation set.
    /// </summary>
    /// <exception cref="InputException">The split has no window of T + 1 tokens.</exception>
    public static List<(Tensor X, Tensor Y)> Evenly(ShardSet set, int batch, int context, int batches)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (batch < 1 || batches < 1 || context < 1)
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"batch, context and batches must be >= 1 (got {batch}, {context}, {batches})");
        long[] perShard = set.Shards.Select(s => Math.Max(0, (s.Tokens - 1) / context)).ToArray();
        long total = perShard.Sum();
        if (total == 0)
            throw new InputException(
                $"the {set.Split} shards of '{set.Directory}' hold {set.Tokens:N0} tokens: not one window of context {context} + 1; " +
                $"use a shorter context or more data");
        long count = Math.Min((long)batch * batches, total);
        var buffer = new int[context + 1];
        var result = new List<(Tensor, Tensor)>();
        for (long first = 0; first < count; first += batch)
        {
            int n = (int)Math.Min(batch, count - first);
            var x = new long[n * context];
            var y = new long[n * context];
            for (int b = 0; b < n; b++)
            {
                long global = total * (first + b) / count; // evenly spaced window indices over the split
                int shard = 0;
                while (global >= perShard[shard]) global -= perShard[shard++];
                set.Read(shard, global * context, buffer);
                for (int t = 0; t < context; t++)
                {
                    x[b * context + t] = buffer[t];
                    y[b * context + t] = buffer[t + 1];
                }
            }
            result.Add((tensor(x, [n, context]), tensor(y, [n, context]))); // (B, T), (B, T)
        }
        return result;
    }
}
