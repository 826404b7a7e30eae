namespace LlmLab.Data.Analysis;

/// <summary>
/// The repetition measures of Gopher (Rae et al. 2021, appendix A, table A1) on lines and word n-grams.
/// Pure functions; thread-safe.
/// </summary>
public static class Repetition
{
    /// <summary>Lines that repeat an earlier line of the same document (exact match), and their characters. The
    /// first occurrence is not a duplicate, each later one is.</summary>
    public static (int Lines, long Chars) DuplicateLines(IReadOnlyList<string> lines)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int dup = 0;
        long chars = 0;
        foreach (string line in lines)
            if (!seen.Add(line)) { dup++; chars += line.Length; }
        return (dup, chars);
    }

    /// <summary>
    /// Gopher's "top n-gram character fraction": the characters of the most frequent word n-gram, counted once per
    /// occurrence (its words' characters × its count), over the characters of all words. 0 when there are fewer than
    /// n words or no n-gram occurs twice (a single occurrence is not repetition).
    /// </summary>
    public static double TopNgramCharFraction(IReadOnlyList<string> words, long[] wordHashes, int n, long wordChars)
    {
        if (words.Count < n || wordChars == 0) return 0;
        var counts = new Dictionary<ulong, (int Count, int First)>();
        for (int i = 0; i + n <= words.Count; i++)
        {
            ulong h = NgramHash(wordHashes, i, n);
            counts[h] = counts.TryGetValue(h, out var e) ? (e.Count + 1, e.First) : (1, i);
        }
        (int count, int first) best = (0, 0);
        foreach (var e in counts.Values)
            if (e.Count > best.count || (e.Count == best.count && e.First < best.first)) best = e;
        if (best.count < 2) return 0;
        long chars = 0;
        for (int k = 0; k < n; k++) chars += words[best.first + k].Length;
        return Math.Min(1.0, (double)chars * best.count / wordChars);
    }

    /// <summary>
    /// Gopher's "duplicate n-gram character fraction": the characters of the words covered by any word n-gram that
    /// occurs more than once in the document, over the characters of all words. Each word counts once, however many
    /// repeated n-grams cover it, so overlapping repeats are not counted twice (the paper's wording; datatrove instead
    /// skips ahead n words after each repeat, which gives close but not identical figures).
    /// </summary>
    public static double DuplicateNgramCharFraction(IReadOnlyList<string> words, long[] wordHashes, int n, long wordChars)
    {
        if (words.Count < n || wordChars == 0) return 0;
        var counts = new Dictionary<ulong, int>();
        for (int i = 0; i + n <= words.Count; i++)
        {
            ulong h = NgramHash(wordHashes, i, n);
            counts[h] = counts.GetValueOrDefault(h) + 1;
        }
        var covered = new bool[words.Count];
        for (int i = 0; i + n <= words.Count; i++)
            if (counts[NgramHash(wordHashes, i, n)] > 1)
                for (int k = 0; k < n; k++) covered[i + k] = true;
        long chars = 0;
        for (int i = 0; i < words.Count; i++) if (covered[i]) chars += words[i].Length;
        return (double)chars / wordChars;
    }

    /// <summary>A 64-bit hash per word (FNV-1a over UTF-16 code units, then fmix64), for n-gram keys.</summary>
    public static long[] WordHashes(IReadOnlyList<string> words)
    {
        var hashes = new long[words.Count];
        for (int i = 0; i < words.Count; i++)
        {
            ulong h = 14695981039346656037UL;
            foreach (char c in words[i]) { h ^= c; h *= 1099511628211UL; }
            hashes[i] = (long)Mix(h);
        }
        return hashes;
    }

    // Order-dependent combination of n word hashes; collisions among a document's n-grams are ~n²/2^64, negligible.
    static ulong NgramHash(long[] hashes, int start, int n)
    {
        ulong h = (ulong)n;
        for (int k = 0; k < n; k++) h = Mix(h * 0x9E3779B97F4A7C15UL ^ (ulong)hashes[start + k]);
        return h;
    }

    // MurmurHash3's fmix64 finaliser.
    static ulong Mix(ulong h)
    {
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53UL;
        return h ^ (h >> 33);
    }
}
