namespace LlmLab.Retrieval.Lexical;

/// <summary>
/// An in-memory BM25 inverted index over integer document keys, written from Robertson &amp; Zaragoza (2009):
/// score(q, d) = Σ_{t ∈ q} idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·dl/avgdl)), with Lucene's always-positive
/// idf(t) = ln(1 + (N − n_t + 0.5)/(n_t + 0.5)). A query term repeated counts once per repetition (as a Lucene
/// BooleanQuery of term clauses does). Documents can be added, replaced and removed.
/// </summary>
/// <remarks>Not thread-safe for writes; concurrent <see cref="Search"/> calls without writers are safe.</remarks>
public sealed class Bm25Index
{
    readonly Dictionary<string, Dictionary<long, int>> _postings = new(StringComparer.Ordinal);
    readonly Dictionary<long, Dictionary<string, int>> _docTerms = new();
    readonly Dictionary<long, int> _lengths = new();
    long _totalLength;

    /// <summary>An empty index with the given parameters.</summary>
    public Bm25Index(Bm25Options? options = null)
    {
        Options = options ?? new Bm25Options();
        Options.Validate();
    }

    /// <summary>The scoring parameters.</summary>
    public Bm25Options Options { get; }

    /// <summary>Number of documents (N).</summary>
    public int Count => _lengths.Count;

    /// <summary>Mean document length in tokens (exact, as Lucene's sumTotalTermFreq / maxDoc).</summary>
    public double AverageLength => Count == 0 ? 0 : (double)_totalLength / Count;

    /// <summary>Number of distinct terms.</summary>
    public int TermCount => _postings.Count;

    /// <summary>Whether <paramref name="key"/> is indexed.</summary>
    public bool Contains(long key) => _lengths.ContainsKey(key);

    /// <summary>Indexes a document's terms (already analyzed) under <paramref name="key"/>, replacing any previous version.</summary>
    public void Add(long key, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        Remove(key);
        var tf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in terms) tf[t] = tf.GetValueOrDefault(t) + 1;
        foreach (var (term, count) in tf)
        {
            if (!_postings.TryGetValue(term, out var list)) _postings[term] = list = new Dictionary<long, int>();
            list[key] = count;
        }
        _docTerms[key] = tf;
        _lengths[key] = terms.Count;
        _totalLength += terms.Count;
    }

    /// <summary>Removes a document; returns false when it was not indexed.</summary>
    public bool Remove(long key)
    {
        if (!_docTerms.Remove(key, out var tf)) return false;
        foreach (var term in tf.Keys)
        {
            var list = _postings[term];
            list.Remove(key);
            if (list.Count == 0) _postings.Remove(term);
        }
        _totalLength -= _lengths[key];
        _lengths.Remove(key);
        return true;
    }

    /// <summary>Number of documents containing <paramref name="term"/> (n_t).</summary>
    public int DocumentFrequency(string term) => _postings.TryGetValue(term, out var l) ? l.Count : 0;

    /// <summary>Lucene's BM25 idf: ln(1 + (N − n + 0.5)/(n + 0.5)).</summary>
    public double Idf(string term)
    {
        int n = DocumentFrequency(term);
        return Math.Log(1 + (Count - n + 0.5) / (n + 0.5));
    }

    /// <summary>Every document with a non-zero score for the query terms, scored (unordered).</summary>
    public Dictionary<long, double> ScoreAll(IReadOnlyList<string> queryTerms)
    {
        var scores = new Dictionary<long, double>();
        if (Count == 0) return scores;
        double k1 = Options.K1, b = Options.B, avgdl = AverageLength;
        foreach (var term in queryTerms)
        {
            if (!_postings.TryGetValue(term, out var list)) continue;
            double idf = Idf(term);
            foreach (var (doc, tf) in list)
            {
                double dl = Options.LengthNorm == Bm25LengthNorm.Exact ? _lengths[doc] : SmallFloat.LossyLength(_lengths[doc]);
                double s = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl));
                scores[doc] = scores.GetValueOrDefault(doc) + s;
            }
        }
        return scores;
    }

    /// <summary>The top <paramref name="k"/> documents by score (ties broken by key), optionally filtered.</summary>
    public List<(long Key, double Score)> Search(IReadOnlyList<string> queryTerms, int k, Func<long, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return ScoreAll(queryTerms)
            .Where(p => filter is null || filter(p.Key))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key)
            .Take(k).Select(p => (p.Key, p.Value)).ToList();
    }

    /// <summary>Every (key, term frequencies) pair, for persistence.</summary>
    public IEnumerable<(long Key, IReadOnlyDictionary<string, int> Terms, int Length)> Documents() =>
        _docTerms.Select(p => (p.Key, (IReadOnlyDictionary<string, int>)p.Value, _lengths[p.Key]));
}
