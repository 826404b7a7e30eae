using LlmLab.Data.Mixture;

namespace LlmLab.Data.Shards;

/// <summary>
/// Walks one source's chunks in a shuffled order, epoch after epoch: the chunk order of epoch e is
/// <see cref="SeededPermutation"/> of the chunk indices under a seed derived from (seed, split, source, e), so a source
/// repeated for up-sampling comes back in a new order each pass. Not thread-safe.
/// </summary>
internal sealed class ChunkCursor(SourceTokenFile tokens, int chunkTokens, long seed, string split, string source)
{
    readonly int _chunks = (int)((tokens.Tokens + chunkTokens - 1) / chunkTokens);
    int[] _order = [];
    int _epoch = -1, _next;

    /// <summary>The next chunk's tokens (the source's last chunk may be shorter than the others).</summary>
    public ReadOnlySpan<int> Next()
    {
        if (_chunks == 0) throw new InvalidOperationException($"source '{source}' has no {split} tokens");
        if (_next == _order.Length)
        {
            _epoch++;
            _order = SeededPermutation.Of(_chunks, SeededPermutation.Derive(seed, $"chunks/{split}/{source}", _epoch));
            _next = 0;
        }
        long start = (long)_order[_next++] * chunkTokens;
        return tokens.Read(start, (int)Math.Min(chunkTokens, tokens.Tokens - start));
    }
}
