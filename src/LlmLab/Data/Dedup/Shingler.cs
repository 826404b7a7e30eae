using System.Runtime.InteropServices;

namespace LlmLab.Data.Dedup;

/// <summary>
/// Turns a normalised text into its set of shingle hashes: 64-bit hashes of every word (or character) n-gram,
/// sorted ascending without repeats. A text with fewer than n units has one shingle, itself (so short texts still
/// compare); an empty text has none. Thread-safe.
/// </summary>
public static class Shingler
{
    /// <summary>The sorted, distinct shingle hashes of <paramref name="normalized"/>.</summary>
    public static ulong[] Shingles(string normalized, ShingleKind kind, int size)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var hashes = kind == ShingleKind.Words ? WordShingles(normalized, size) : CharShingles(normalized, size);
        if (hashes.Count <= 1) return hashes.ToArray();
        var span = CollectionsMarshal.AsSpan(hashes);
        span.Sort();
        int n = 1;
        for (int i = 1; i < span.Length; i++)
            if (span[i] != span[n - 1]) span[n++] = span[i];
        return span[..n].ToArray();
    }

    static List<ulong> WordShingles(string text, int size)
    {
        // 1. Hash each word once; 2. combine each window of `size` word hashes (cheaper than hashing the n-gram's text).
        var words = new List<ulong>();
        var span = text.AsSpan();
        int start = -1;
        for (int i = 0; i <= span.Length; i++)
        {
            bool space = i == span.Length || char.IsWhiteSpace(span[i]);
            if (!space && start < 0) start = i;
            else if (space && start >= 0) { words.Add(DedupHash.Of(span[start..i])); start = -1; }
        }
        var result = new List<ulong>(Math.Max(1, words.Count - size + 1));
        if (words.Count == 0) return result;
        var all = CollectionsMarshal.AsSpan(words);
        if (words.Count < size) { result.Add(DedupHash.Combine(all)); return result; }
        for (int i = 0; i + size <= all.Length; i++) result.Add(DedupHash.Combine(all.Slice(i, size)));
        return result;
    }

    static List<ulong> CharShingles(string text, int size)
    {
        var result = new List<ulong>(Math.Max(1, text.Length - size + 1));
        if (text.Length == 0) return result;
        if (text.Length < size) { result.Add(DedupHash.Of(text)); return result; }
        for (int i = 0; i + size <= text.Length; i++) result.Add(DedupHash.Of(text.AsSpan(i, size)));
        return result;
    }
}
