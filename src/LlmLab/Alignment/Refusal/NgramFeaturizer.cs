using System.Text;
using System.Text.Json.Nodes;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Hashed n-gram features (the "hashing trick", Weinberger et al. 2009): lower-cased word n-grams up to
/// <see cref="WordN"/> and character n-grams of length <see cref="CharN"/> within words (with boundary marks, as
/// fastText's subwords, so "kill" and "killing" share features), each hashed with 64-bit FNV-1a into one of
/// <see cref="Buckets"/> dimensions, presence counted once, the vector scaled to unit L2 norm. No vocabulary to store:
/// the three integers rebuild it. Stateless and thread-safe.
/// </summary>
public sealed class NgramFeaturizer : PromptFeaturizer
{
    /// <param name="buckets">Hash buckets (the dimension); 16384 keeps collisions rare for a few thousand distinct n-grams.</param>
    /// <param name="wordN">Longest word n-gram (1: words only; 2 adds bigrams such as "kill process").</param>
    /// <param name="charN">Character n-gram length inside words (0: none).</param>
    /// <exception cref="InputException">A setting out of range.</exception>
    public NgramFeaturizer(int buckets = 16384, int wordN = 2, int charN = 4)
    {
        if (buckets is < 16 or > (1 << 24)) throw new InputException($"buckets must be in [16, 16777216] (got {buckets})");
        if (wordN is < 1 or > 4) throw new InputException($"word_n must be 1–4 (got {wordN})");
        if (charN is < 0 or > 8) throw new InputException($"char_n must be 0–8 (got {charN})");
        (Buckets, WordN, CharN) = (buckets, wordN, charN);
    }

    public int Buckets { get; }
    public int WordN { get; }
    public int CharN { get; }

    public override string Kind => "ngram";
    public override int Dimension => Buckets;
    public override string Title => $"hashed word 1–{WordN}-grams{(CharN > 0 ? $" + char {CharN}-grams" : "")}, {Buckets} buckets";

    public override JsonObject Describe() => new() { ["kind"] = Kind, ["buckets"] = Buckets, ["word_n"] = WordN, ["char_n"] = CharN };

    public override Task<IReadOnlyList<FeatureVector>> FeaturizeAsync(IReadOnlyList<string> texts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Task.FromResult<IReadOnlyList<FeatureVector>>(texts.Select(Featurize).ToArray());
    }

    /// <summary>One text's features.</summary>
    public FeatureVector Featurize(string text)
    {
        var words = Words(text ?? "");
        var set = new SortedSet<int>();
        for (int n = 1; n <= WordN; n++)
            for (int i = 0; i + n <= words.Count; i++) set.Add(Bucket("w" + n + ":" + string.Join(' ', words.Skip(i).Take(n))));
        if (CharN > 0)
            foreach (string w in words)
            {
                string marked = "<" + w + ">";
                for (int i = 0; i + CharN <= marked.Length; i++) set.Add(Bucket("c:" + marked.Substring(i, CharN)));
            }
        int[] idx = set.ToArray();
        float v = idx.Length == 0 ? 0 : (float)(1 / Math.Sqrt(idx.Length));
        return new FeatureVector(idx, Enumerable.Repeat(v, idx.Length).ToArray());
    }

    /// <summary>Lower-cased runs of letters, digits and apostrophes (curly ones straightened).</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        foreach (char ch in text.Replace('\u2019', '\''))
        {
            if (char.IsLetterOrDigit(ch) || ch == '\'') sb.Append(char.ToLowerInvariant(ch));
            else if (sb.Length > 0) { words.Add(sb.ToString()); sb.Clear(); }
        }
        if (sb.Length > 0) words.Add(sb.ToString());
        return words;
    }

    int Bucket(string gram) => (int)(Fnv1a(gram) % (ulong)Buckets);

    /// <summary>64-bit FNV-1a over UTF-8 (Fowler, Noll, Vo): offset basis 14695981039346656037, prime 1099511628211.</summary>
    internal static ulong Fnv1a(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) { h ^= b; h *= 1099511628211UL; }
        return h;
    }
}
