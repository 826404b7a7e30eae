namespace LlmLab.Tokenization;

/// <summary>
/// Trains a byte-level BPE vocabulary (Sennrich et al. 2016, at the byte level as GPT-2 does; the structure of
/// minbpe's RegexTokenizer, with the incremental counting of HF tokenizers so it scales to real corpora):
/// <list type="number">
/// <item>Cut the texts into pieces with the split pattern (special tokens are cut out and never learned from) and count
/// each distinct piece (<see cref="WordCounter"/>, on all cores).</item>
/// <item>Lay the distinct words' bytes end to end, each with its frequency, and count every adjacent pair once
/// (<see cref="PairIndex"/>).</item>
/// <item>Repeat until the vocabulary is full: take the most frequent pair (ties: smallest ids), give it the next id,
/// and merge it at each position where it occurs, left to right within a word; only the neighbouring pairs of those
/// positions change count.</item>
/// </list>
/// Deterministic: the same texts and options give the same merges, whatever the number of cores.
/// <see cref="NaiveBpeTrainer"/> is the same algorithm written plainly (recounting every pair at every merge): read it
/// first; a test checks the two learn the same merges.
/// </summary>
public static class BpeTrainer
{
    /// <summary>Trains on <paramref name="texts"/>; progress, if given, is reported from worker threads.</summary>
    /// <exception cref="InputException">Bad options (<see cref="BpeTrainingOptions.Validate"/>) or no text to learn from.</exception>
    public static BpeTokenizer Train(IEnumerable<string> texts, BpeTrainingOptions options, IProgress<BpeTrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options.Validate();
        var pre = PreTokenizer.For(options.Pattern);
        var specials = new SpecialTokenMatcher(options.Specials.Select((s, i) => KeyValuePair.Create(s, i)));

        var words = WordCounter.Count(texts, pre, specials, progress, out long documents);
        if (words.Count == 0)
            throw new InputException(documents == 0 ? "the training corpus is empty: it has no documents; give a corpus with text"
                : $"the training corpus has no text to learn from ({documents:N0} documents, all empty or only special tokens)");

        int wanted = options.VocabSize - 256 - options.Specials.Count;
        var merges = MergeWords(words, wanted, progress);
        var specialIds = options.Specials.Select((s, i) => (s, 256 + merges.Count + i))
            .ToDictionary(p => p.s, p => p.Item2, StringComparer.Ordinal);
        return new BpeTokenizer(options.Name, options.Pattern, Enumerable.Range(0, 256).ToArray(), merges, specialIds, "training");
    }

    /// <summary>Learns up to <paramref name="wanted"/> merges from distinct words and their counts; fewer when every
    /// word has become a single token.</summary>
    internal static List<BpeMerge> MergeWords(IReadOnlyDictionary<string, long> words, int wanted,
        IProgress<BpeTrainingProgress>? progress = null)
    {
        // 1. Distinct words in ordinal order, as bytes end to end. tok[i] is the token at position i (-1 once merged
        //    away), prev/next link the live positions of a word (-1 at its ends), freq[i] is the word's count.
        var ordered = words.Where(kv => kv.Key.Length > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var bytes = new List<byte>();
        var wordStarts = new List<(int Start, long Count)>();
        var buffer = new byte[64];
        foreach (var (word, count) in ordered)
        {
            if (buffer.Length < Wtf8.MaxBytes(word.Length)) buffer = new byte[Wtf8.MaxBytes(word.Length) * 2];
            int n = Wtf8.Encode(word, buffer);
            if (n < 2) continue; // one byte: no pair to learn from
            if ((long)bytes.Count + n > int.MaxValue)
                throw new InputException("the training corpus has more than 2 G bytes of distinct words; train on a part of it");
            wordStarts.Add((bytes.Count, count));
            bytes.AddRange(buffer.AsSpan(0, n));
        }
        int total = bytes.Count;
        var tok = new int[total];
        var prev = new int[total];
        var next = new int[total];
        var freq = new long[total];
        var index = new PairIndex();
        for (int w = 0; w < wordStarts.Count; w++)
        {
            int start = wordStarts[w].Start, end = w + 1 < wordStarts.Count ? wordStarts[w + 1].Start : total;
            for (int i = start; i < end; i++)
            {
                tok[i] = bytes[i];
                prev[i] = i > start ? i - 1 : -1;
                next[i] = i + 1 < end ? i + 1 : -1;
                freq[i] = wordStarts[w].Count;
                if (i > start) index.Add(PairTable.Key(bytes[i - 1], bytes[i]), freq[i], i - 1);
            }
        }
        index.PushAdded();

        // 2. Merge the best pair, wanted times.
        var merges = new List<BpeMerge>(Math.Max(0, wanted));
        while (merges.Count < wanted && index.TryTakeBest(out long key, out var pair))
        {
            int a = (int)(key >> 32), b = (int)(key & 0xFFFFFFFF), z = 256 + merges.Count;
            merges.Add(new BpeMerge(a, b, z));
            pair.Positions.Sort(); // left to right within each word: "aaa" becomes "aa a", as minbpe's merge does
            foreach (int i in pair.Positions)
            {
                int j = next[i];
                if (tok[i] != a || j < 0 || tok[j] != b) continue; // stale: merged away or changed since
                long f = freq[i];
                int p = prev[i], q = next[j];
                // The pairs around (a, b) disappear …
                if (p >= 0) index.Subtract(PairTable.Key(tok[p], a), f);
                if (q >= 0) index.Subtract(PairTable.Key(b, tok[q]), f);
                // … the two tokens become one …
                tok[i] = z;
                tok[j] = -1;
                next[i] = q;
                if (q >= 0) prev[q] = i;
                // … and the pairs around z appear.
                if (p >= 0) index.Add(PairTable.Key(tok[p], z), f, p);
                if (q >= 0) index.Add(PairTable.Key(z, tok[q]), f, i);
            }
            index.PushAdded();
            if (progress is not null && (merges.Count % 64 == 0 || merges.Count == wanted))
                progress.Report(new BpeTrainingProgress("merging", merges.Count, wanted));
        }
        return merges;
    }
}
