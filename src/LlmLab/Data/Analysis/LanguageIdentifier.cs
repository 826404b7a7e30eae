using System.IO.Compression;
using System.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// Language identification by multinomial naive Bayes over character 1- to 3-grams of words (Cavnar and Trenkle
/// 1994's features: each word lower-cased and padded with a space on both sides, so " th", "he " mark word edges;
/// digits and punctuation dropped). P(g | L) = (c_L(g) + 1) / (N_L + V) (Laplace), where c_L counts the n-grams
/// kept for language L, N_L all n-grams of L's training text and V the model's n-grams; n-grams outside the model
/// are ignored, and every language has the same prior. Immutable; thread-safe.
/// </summary>
/// <remarks>
/// The embedded model (<see cref="Default"/>) was trained by <c>llmlab data langid-train</c> on the man pages of
/// Debian's manpages and manpages-{de,es,fr,it,nl,pl,pt-br,ru,sv} packages; see docs/part-05.md. File format:
/// "LLID", a version byte (1), then a deflate stream of: language count, per language its code and N_L, the n-gram
/// count, and per n-gram its UTF-8 text and one 7-bit-encoded count per language.
/// </remarks>
public sealed class LanguageIdentifier
{
    /// <summary>Returned when a text has too few letters to decide.</summary>
    public const string Undetermined = "und";
    /// <summary>Fewer known n-grams than this and the text is <see cref="Undetermined"/> (about three short words).</summary>
    public const int MinGrams = 12;

    static readonly byte[] Magic = "LLID"u8.ToArray();
    const byte Version = 1;
    const string ResourceName = "LlmLab.Data.Analysis.langid.bin";
    static readonly Lazy<LanguageIdentifier> LazyDefault = new(() =>
    {
        using var s = typeof(LanguageIdentifier).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"the library has no embedded resource '{ResourceName}'; rebuild it (src/LlmLab/LlmLab.csproj " +
                $"embeds Data/Analysis/Resources/*)");
        return Load(s, "the embedded language model");
    });

    readonly Dictionary<string, float[]> _logProb;
    readonly float[] _unseen;

    LanguageIdentifier(IReadOnlyList<string> languages, IReadOnlyList<long> totals, Dictionary<string, long[]> counts)
    {
        Languages = languages;
        Totals = totals;
        Counts = counts;
        int v = counts.Count;
        _unseen = totals.Select(n => (float)Math.Log(1.0 / (n + v))).ToArray();
        _logProb = new Dictionary<string, float[]>(v, StringComparer.Ordinal);
        foreach (var (gram, c) in counts)
            _logProb[gram] = c.Select((x, l) => (float)Math.Log((x + 1.0) / (totals[l] + v))).ToArray();
    }

    /// <summary>The model shipped with the library (loaded once, on first use).</summary>
    public static LanguageIdentifier Default => LazyDefault.Value;

    /// <summary>Language codes (ISO 639-1: en, fr, …), in model order.</summary>
    public IReadOnlyList<string> Languages { get; }
    /// <summary>N_L: n-grams in each language's training text.</summary>
    public IReadOnlyList<long> Totals { get; }
    /// <summary>The kept n-grams and their count per language.</summary>
    public IReadOnlyDictionary<string, long[]> Counts { get; }

    /// <summary>A model from n-gram counts (see <see cref="LanguageIdTrainer"/>).</summary>
    public static LanguageIdentifier Create(IReadOnlyList<string> languages, IReadOnlyList<long> totals, Dictionary<string, long[]> counts)
    {
        if (languages.Count == 0 || languages.Count != totals.Count || counts.Values.Any(c => c.Length != languages.Count))
            throw new ArgumentException("a language model needs one total and one count per language for every n-gram");
        return new LanguageIdentifier(languages, totals, counts);
    }

    /// <summary>The most likely language of <paramref name="text"/>, or <see cref="Undetermined"/>.</summary>
    public string Identify(string text) => Guess(text).Language;

    /// <summary>The most likely language, its posterior probability (uniform prior) and the n-grams it was decided on.</summary>
    public (string Language, double Probability, int Grams) Guess(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var score = new double[Languages.Count];
        var lookup = _logProb.GetAlternateLookup<ReadOnlySpan<char>>();
        int grams = 0;
        ForEachGram(text, g =>
        {
            if (!lookup.TryGetValue(g, out var lp)) return;
            grams++;
            for (int l = 0; l < score.Length; l++) score[l] += lp[l];
        });
        if (grams < MinGrams) return (Undetermined, 0, grams);
        int best = 0;
        for (int l = 1; l < score.Length; l++) if (score[l] > score[best]) best = l;
        double z = score.Sum(s => Math.Exp(s - score[best]));
        return (Languages[best], 1 / z, grams);
    }

    /// <summary>Calls <paramref name="onGram"/> for each 1-, 2- and 3-gram of each padded, lower-cased word (letters and
    /// inner apostrophes; words longer than 64 letters are cut; the text is not Unicode-normalised: the project runs with
    /// InvariantGlobalization, and both the man pages and the SDK docs are precomposed). The span is valid only during the call.</summary>
    public static void ForEachGram(string text, Action<ReadOnlySpan<char>> onGram)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<char> word = stackalloc char[66];
        int len = 0;
        foreach (char c in text)
        {
            if (char.IsLetter(c) || (c == '\'' && len > 0))
            {
                if (len < 64) word[1 + len++] = char.ToLowerInvariant(c);
                continue;
            }
            Flush(word, len, onGram);
            len = 0;
        }
        Flush(word, len, onGram);
    }

    static void Flush(Span<char> word, int len, Action<ReadOnlySpan<char>> onGram)
    {
        if (len == 0) return;
        word[0] = ' ';
        word[len + 1] = ' ';
        var w = word[..(len + 2)];
        for (int i = 1; i <= len; i++) onGram(w.Slice(i, 1));
        for (int n = 2; n <= 3; n++)
            for (int i = 0; i + n <= w.Length; i++) onGram(w.Slice(i, n));
    }

    /// <summary>Writes the model (format in the remarks).</summary>
    public void Save(Stream stream)
    {
        stream.Write(Magic);
        stream.WriteByte(Version);
        using var deflate = new DeflateStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var w = new BinaryWriter(deflate, Encoding.UTF8, leaveOpen: true);
        w.Write(Languages.Count);
        for (int l = 0; l < Languages.Count; l++) { w.Write(Languages[l]); w.Write(Totals[l]); }
        w.Write(Counts.Count);
        foreach (var (gram, c) in Counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(gram);
            foreach (long x in c) w.Write7BitEncodedInt64(x);
        }
    }

    /// <summary>Reads a model written by <see cref="Save"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="InputException">Not a language model, or another version.</exception>
    public static LanguageIdentifier Load(Stream stream, string name)
    {
        var head = new byte[5];
        if (stream.ReadAtLeast(head, 5, throwOnEndOfStream: false) < 5 || !head.AsSpan(0, 4).SequenceEqual(Magic))
            throw new InputException(
                $"{name} is not a language model (it does not start with 'LLID'); write one with llmlab data langid-train");
        if (head[4] != Version)
            throw new InputException(
                $"{name} is a version-{head[4]} language model; this build reads version {Version}: retrain it " +
                $"with llmlab data langid-train");
        try
        {
            using var deflate = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
            using var r = new BinaryReader(deflate, Encoding.UTF8, leaveOpen: true);
            int n = r.ReadInt32();
            if (n is < 1 or > 1000) throw new InvalidDataException($"{n} languages");
            var languages = new string[n];
            var totals = new long[n];
            for (int l = 0; l < n; l++) { languages[l] = r.ReadString(); totals[l] = r.ReadInt64(); }
            int grams = r.ReadInt32();
            if (grams < 0) throw new InvalidDataException($"{grams} n-grams");
            var counts = new Dictionary<string, long[]>(grams, StringComparer.Ordinal);
            for (int g = 0; g < grams; g++)
            {
                string gram = r.ReadString();
                var c = new long[n];
                for (int l = 0; l < n; l++) c[l] = r.Read7BitEncodedInt64();
                counts[gram] = c;
            }
            return new LanguageIdentifier(languages, totals, counts);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
        {
            throw new InputException($"{name} is a damaged language model ({e.Message}); retrain it with llmlab data langid-train", e);
        }
    }
}
