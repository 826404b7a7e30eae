namespace LlmLab.Tokenization;

/// <summary>
/// Byte-pair encoding training written as plainly as it can be — read this one first. It is the loop of minbpe's
/// <c>RegexTokenizer.train</c> (Karpathy): count every adjacent pair, take the most frequent, merge it everywhere,
/// repeat. <see cref="BpeTrainer"/> learns exactly the same merges (a test checks it) but keeps the pair counts up to
/// date instead of recounting them, which is what makes it usable on real corpora.
/// </summary>
/// <remarks>
/// Cost: every merge recounts every pair of the whole corpus, O(merges × corpus bytes) — seconds for a few hundred
/// kilobytes, hours for gigabytes. Stateless and thread-safe.
/// </remarks>
public static class NaiveBpeTrainer
{
    /// <summary>Trains on <paramref name="texts"/> with the same options, rules and result as
    /// <see cref="BpeTrainer.Train"/>.</summary>
    /// <exception cref="InputException">Bad options (<see cref="BpeTrainingOptions.Validate"/>) or no text to learn from.</exception>
    public static BpeTokenizer Train(IEnumerable<string> texts, BpeTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options.Validate();

        // 1. Cut every text into pieces ("chunks"): at special tokens (never learned from), then by the split pattern,
        //    so that no merge crosses a word, a number or a run of punctuation. Each chunk becomes its UTF-8 bytes,
        //    and a byte b is token b: the 256 byte tokens are the starting vocabulary.
        var pre = PreTokenizer.For(options.Pattern);
        var specials = new SpecialTokenMatcher(options.Specials.Select((s, i) => KeyValuePair.Create(s, i)));
        var chunks = new List<List<int>>();
        int documents = 0;
        foreach (string text in texts)
        {
            documents++;
            ReadOnlySpan<char> rest = text;
            while (specials.TryFind(rest, out int at, out int length, out _))
            {
                AddChunks(rest[..at], pre, chunks);
                rest = rest[(at + length)..];
            }
            AddChunks(rest, pre, chunks);
        }
        if (chunks.Count == 0)
            throw new InputException(documents == 0 ? "the training corpus is empty: it has no documents; give a corpus with text"
                : $"the training corpus has no text to learn from ({documents:N0} documents, all empty or only special tokens)");

        // 2. Merge, one new token at a time, until the vocabulary is full or no pair is left.
        int wanted = options.VocabSize - 256 - options.Specials.Count;
        var merges = new List<BpeMerge>();
        while (merges.Count < wanted)
        {
            // 2a. Count every adjacent pair in every chunk.
            var counts = new Dictionary<(int Left, int Right), long>();
            foreach (var chunk in chunks)
                for (int i = 0; i + 1 < chunk.Count; i++)
                    counts[(chunk[i], chunk[i + 1])] = counts.GetValueOrDefault((chunk[i], chunk[i + 1])) + 1;
            if (counts.Count == 0) break; // every chunk is a single token

            // 2b. The most frequent pair; ties go to the smallest pair (left id, then right id), so training is
            //     deterministic.
            var best = counts.MaxBy(kv => (kv.Value, -kv.Key.Left, -kv.Key.Right)).Key;

            // 2c. It becomes token 256 + k, replacing each occurrence left to right ("aaa" becomes "aa a").
            var merge = new BpeMerge(best.Left, best.Right, 256 + merges.Count);
            merges.Add(merge);
            foreach (var chunk in chunks) Replace(chunk, merge);
        }

        // 3. Special tokens take the ids after the merges.
        var specialIds = options.Specials.Select((s, i) => (s, 256 + merges.Count + i))
            .ToDictionary(p => p.s, p => p.Item2, StringComparer.Ordinal);
        return new BpeTokenizer(options.Name, options.Pattern, Enumerable.Range(0, 256).ToArray(), merges, specialIds, "training");
    }

    static void AddChunks(ReadOnlySpan<char> segment, PreTokenizer pre, List<List<int>> chunks)
    {
        foreach (var piece in pre.Split(segment))
        {
            if (piece.IsEmpty) continue;
            var bytes = new byte[Wtf8.MaxBytes(piece.Length)];
            int n = Wtf8.Encode(piece, bytes); // UTF-8 (a lone surrogate as its 3-byte pattern, as the encoder does)
            chunks.Add(bytes.Take(n).Select(b => (int)b).ToList());
        }
    }

    static void Replace(List<int> chunk, BpeMerge merge)
    {
        for (int i = 0; i + 1 < chunk.Count; i++)
            if (chunk[i] == merge.Left && chunk[i + 1] == merge.Right)
            {
                chunk[i] = merge.Id;
                chunk.RemoveAt(i + 1);
            }
    }
}
