using LlmLab.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// Distribution statistics of a corpus, accumulated one document at a time and <b>mergeable across shards</b>:
/// statistics of a shard A merged with those of the shard B that follows it equal the statistics of one pass over
/// A then B, exactly (every field is an integer count, a fixed-bin histogram, or a list kept in corpus order).
/// Holds no text: per document only its signals pass through; what grows is the vocabulary (one count and one first
/// position per word type) and the few removal examples.
/// </summary>
/// <remarks>
/// Measured: lengths in characters, words and tokens; word-type frequencies (Zipf) and the position of each type's
/// first occurrence (Heaps: V(n) for any n, which is what makes vocabulary growth mergeable: B's first positions are
/// shifted by A's length, and a type seen in A keeps A's); token frequencies; character classes; every
/// <see cref="QualityRules"/> signal as a histogram, with the count and first examples of what each rule removes;
/// per-source totals; the language mix. Not thread-safe: give each thread its own instance and merge them in order.
/// </remarks>
public sealed class CorpusStatistics
{
    sealed class TypeEntry { public long Count; public long First; }

    readonly Dictionary<string, TypeEntry> _types = new(StringComparer.Ordinal);
    readonly Dictionary<string, SourceSummary> _sources = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> _languages = new(StringComparer.Ordinal);
    readonly long[] _charClasses = new long[CharacterClasses.Count];
    readonly long[]? _tokenCounts;
    readonly Histogram?[] _ruleHistograms;
    readonly long[] _removed;
    readonly List<RemovalExample>[] _examples;
    readonly long[] _removedByFamily = new long[QualityRules.Families.Count];

    public CorpusStatistics(AnalysisOptions? options = null)
    {
        Options = options ?? new AnalysisOptions();
        _tokenCounts = Options.Tokenizer is { } t ? new long[t.VocabSize] : null;
        int n = QualityRules.All.Count;
        _ruleHistograms = QualityRules.All.Select(r => r.Bins?.Create()).ToArray();
        _removed = new long[n];
        _examples = Enumerable.Range(0, n).Select(_ => new List<RemovalExample>()).ToArray();
    }

    public AnalysisOptions Options { get; }
    public long Documents { get; private set; }
    public long Chars { get; private set; }
    public long Words { get; private set; }
    public long Tokens { get; private set; }
    public long Lines { get; private set; }
    /// <summary>Lines C4's line rules keep (the rest are dropped from the page even when the page stays).</summary>
    public long C4KeptLines { get; private set; }
    /// <summary>Word-type occurrences (the length of the stream Heaps' law is measured on).</summary>
    public long TypeOccurrences { get; private set; }
    /// <summary>Documents at least one rule removes.</summary>
    public long RemovedByAny { get; private set; }

    public Histogram CharLengths { get; } = new(1, 1e6, 60, log10: true);
    public Histogram WordLengths { get; } = new(1, 1e6, 60, log10: true);
    public Histogram TokenLengths { get; } = new(1, 1e6, 60, log10: true);

    /// <summary>Distinct word types seen.</summary>
    public int Vocabulary => _types.Count;
    public IReadOnlyList<long> CharacterClassCounts => _charClasses;
    public IReadOnlyDictionary<string, SourceSummary> Sources => _sources;
    public IReadOnlyDictionary<string, long> Languages => _languages;

    /// <summary>The histogram of rule <paramref name="i"/>'s signal (index into <see cref="QualityRules.All"/>); null for yes/no
    /// rules.</summary>
    public Histogram? RuleHistogram(int i) => _ruleHistograms[i];
    /// <summary>Documents rule <paramref name="i"/> removes.</summary>
    public long Removed(int i) => _removed[i];
    /// <summary>The first documents rule <paramref name="i"/> removes, in corpus order.</summary>
    public IReadOnlyList<RemovalExample> Examples(int i) => _examples[i];
    /// <summary>Documents removed by at least one rule of family <paramref name="i"/> (index into
    /// <see cref="QualityRules.Families"/>).</summary>
    public long RemovedByFamily(int i) => _removedByFamily[i];

    /// <summary>Adds one document (its text is not kept).</summary>
    public void Add(Document doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        string text = doc.Text;
        int[]? ids = Options.Tokenizer?.Encode(text);
        if (ids is not null) foreach (int id in ids) _tokenCounts![id]++;
        var s = DocumentSignals.Of(text, ids?.Length ?? 0);

        Documents++; Chars += s.Chars; Words += s.Words; Tokens += s.Tokens; Lines += s.Lines; C4KeptLines += s.C4KeptLines;
        CharLengths.Add(s.Chars); WordLengths.Add(s.Words);
        if (ids is not null) TokenLengths.Add(s.Tokens);
        CharacterClasses.AddTo(text, _charClasses);
        TextUnits.ForEachType(text, t =>
        {
            if (_types.TryGetValue(t, out var e)) e.Count++;
            else _types[t] = new TypeEntry { Count = 1, First = TypeOccurrences };
            TypeOccurrences++;
        });

        var families = new bool[QualityRules.Families.Count];
        bool any = false;
        for (int i = 0; i < QualityRules.All.Count; i++)
        {
            var rule = QualityRules.All[i];
            double v = rule.Measure(s);
            _ruleHistograms[i]?.Add(v);
            if (!rule.Removes(s)) continue;
            _removed[i]++;
            any = true;
            families[IndexOfFamily(rule.Family)] = true;
            if (_examples[i].Count < Options.ExamplesPerRule)
                _examples[i].Add(new RemovalExample(doc.Id, doc.Source, Snippet(text, Options.SnippetChars), v));
        }
        for (int f = 0; f < families.Length; f++) if (families[f]) _removedByFamily[f]++;
        if (any) RemovedByAny++;

        string? language = Options.Languages?.Identify(text.Length > Options.LanguageChars ? text[..Options.LanguageChars] : text);
        if (language is not null) _languages[language] = _languages.GetValueOrDefault(language) + 1;

        var src = Source(_sources, doc.Source);
        src.Documents++; src.Chars += s.Chars; src.Words += s.Words; src.Tokens += s.Tokens;
        if (any) src.Removed++;
        if (language == "en") src.English++;
    }

    /// <summary>Adds the statistics of the documents that come <b>after</b> this instance's (order matters only for
    /// the Heaps positions and the examples). <paramref name="other"/> is not changed.</summary>
    public void Merge(CorpusStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if ((_tokenCounts is null) != (other._tokenCounts is null)
            || (_tokenCounts is not null && _tokenCounts.Length != other._tokenCounts!.Length))
            throw new ArgumentException("statistics measured with different tokenizers cannot be merged", nameof(other));
        foreach (var (t, e) in other._types)
        {
            if (_types.TryGetValue(t, out var mine)) mine.Count += e.Count;
            else _types[t] = new TypeEntry { Count = e.Count, First = e.First + TypeOccurrences };
        }
        TypeOccurrences += other.TypeOccurrences;
        Documents += other.Documents; Chars += other.Chars; Words += other.Words; Tokens += other.Tokens;
        Lines += other.Lines; C4KeptLines += other.C4KeptLines; RemovedByAny += other.RemovedByAny;
        CharLengths.Merge(other.CharLengths); WordLengths.Merge(other.WordLengths); TokenLengths.Merge(other.TokenLengths);
        if (_tokenCounts is not null) for (int i = 0; i < _tokenCounts.Length; i++) _tokenCounts[i] += other._tokenCounts![i];
        for (int i = 0; i < _charClasses.Length; i++) _charClasses[i] += other._charClasses[i];
        for (int i = 0; i < _removed.Length; i++)
        {
            _removed[i] += other._removed[i];
            if (_ruleHistograms[i] is { } h) h.Merge(other._ruleHistograms[i]!);
            foreach (var ex in other._examples[i])
                if (_examples[i].Count < Options.ExamplesPerRule) _examples[i].Add(ex);
        }
        for (int f = 0; f < _removedByFamily.Length; f++) _removedByFamily[f] += other._removedByFamily[f];
        foreach (var (lang, n) in other._languages) _languages[lang] = _languages.GetValueOrDefault(lang) + n;
        foreach (var (name, s) in other._sources) Source(_sources, name).Add(s);
    }

    /// <summary>True when both hold exactly the same statistics (what "merging equals one pass" is checked with).</summary>
    public bool SameAs(CorpusStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        bool scalars = Documents == other.Documents && Chars == other.Chars && Words == other.Words && Tokens == other.Tokens
            && Lines == other.Lines && C4KeptLines == other.C4KeptLines && TypeOccurrences == other.TypeOccurrences
                && RemovedByAny == other.RemovedByAny;
        bool histograms = CharLengths.SameAs(other.CharLengths) && WordLengths.SameAs(other.WordLengths)
            && TokenLengths.SameAs(other.TokenLengths)
            && _ruleHistograms.Zip(other._ruleHistograms).All(p => p.First is null ? p.Second is null : p.Second is not null
                && p.First.SameAs(p.Second));
        bool arrays = _charClasses.AsSpan().SequenceEqual(other._charClasses) && _removed.AsSpan().SequenceEqual(other._removed)
            && _removedByFamily.AsSpan().SequenceEqual(other._removedByFamily)
            && (_tokenCounts is null ? other._tokenCounts is null : other._tokenCounts is not null
                && _tokenCounts.AsSpan().SequenceEqual(other._tokenCounts));
        bool examples = _examples.Zip(other._examples).All(p => p.First.SequenceEqual(p.Second));
        bool types = _types.Count == other._types.Count
            && _types.All(kv => other._types.TryGetValue(kv.Key, out var o) && o.Count == kv.Value.Count && o.First == kv.Value.First);
        bool languages = _languages.Count == other._languages.Count
            && _languages.All(kv => other._languages.GetValueOrDefault(kv.Key) == kv.Value);
        bool sources = _sources.Count == other._sources.Count
            && _sources.All(kv => other._sources.TryGetValue(kv.Key, out var o) && o.SameAs(kv.Value));
        return scalars && histograms && arrays && examples && types && languages && sources;
    }

    /// <summary>Word-type frequencies in decreasing order (rank 1 first).</summary>
    public long[] TypeFrequencies() => _types.Values.Select(e => e.Count).OrderByDescending(c => c).ToArray();

    /// <summary>The most frequent word types with their counts (ties by type, ordinal).</summary>
    public IReadOnlyList<(string Type, long Count)> TopTypes(int k) =>
        _types.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(k)
            .Select(kv => (kv.Key, kv.Value.Count)).ToList();

    /// <summary>Token frequencies in decreasing order, tokens never seen left out; empty without a tokenizer.</summary>
    public long[] TokenFrequencies() => _tokenCounts is null ? [] : _tokenCounts.Where(c => c > 0).OrderByDescending(c => c).ToArray();

    /// <summary>Each word type's first position in the type stream, ascending (for <see cref="PowerLawFit.Heaps"/>).</summary>
    public long[] FirstPositions() => _types.Values.Select(e => e.First).Order().ToArray();

    static int IndexOfFamily(string family)
    {
        for (int i = 0; i < QualityRules.Families.Count; i++) if (QualityRules.Families[i] == family) return i;
        throw new InvalidOperationException($"unknown rule family '{family}'");
    }

    static SourceSummary Source(Dictionary<string, SourceSummary> map, string name)
    {
        if (!map.TryGetValue(name, out var s)) map[name] = s = new SourceSummary();
        return s;
    }

    static string Snippet(string text, int chars)
    {
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= chars ? collapsed : collapsed[..chars] + "…";
    }
}
