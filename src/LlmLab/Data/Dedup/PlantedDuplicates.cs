using LlmLab.Text;

namespace LlmLab.Data.Dedup;

/// <summary>A planted near-duplicate: <see cref="Copy"/> is an edited copy of <see cref="Base"/> (indices into
/// <see cref="PlantedCorpus.Documents"/>), made for <see cref="Target"/>; <see cref="Jaccard"/> is their exact word
/// n-gram Jaccard similarity, measured on the n-gram strings (no hashing).</summary>
public sealed record PlantedPair(int Base, int Copy, double Target, double Jaccard);

/// <summary>A corpus of unrelated base documents, each followed somewhere by one edited copy, and the planted pairs.</summary>
public sealed record PlantedCorpus(DocumentList Documents, IReadOnlyList<PlantedPair> Pairs)
{
    /// <summary>The pairs of a similarity bin [from, to) ([from, 1] for the last), without exact copies (J = 1), which
    /// exact dedup removes before LSH.</summary>
    public IReadOnlyList<PlantedPair> InBin(JaccardBin bin) => Pairs.Where(p => p.Jaccard < 1 && p.Jaccard >= bin.From - 1e-12
        && (p.Jaccard < bin.To || bin.To >= 1)).ToList();

    /// <summary>The S-curve's prediction for a bin: the mean of P(candidate | J) over its pairs, and the standard
    /// deviation of the observed rate (pairs are independent Bernoulli trials); null when the bin has no pair.</summary>
    public (double Mean, double Sd)? Predicted(JaccardBin bin, LshParameters banding)
    {
        var ps = InBin(bin).Select(p => banding.Probability(p.Jaccard)).ToList();
        return ps.Count == 0 ? null : (ps.Average(), Math.Sqrt(ps.Sum(p => p * (1 - p))) / ps.Count);
    }
}

/// <summary>
/// A test bed for near-duplicate detection with known answers: <c>bases</c> documents of random pseudo-words, each
/// with one copy edited to a target word-n-gram Jaccard similarity drawn uniformly from [min, max]. Deterministic for
/// a seed. The similarity of each pair is measured exactly afterwards, on the sets of n-gram strings.
/// </summary>
/// <remarks>
/// <para>How a copy reaches its target. A base of n words has N = n − k + 1 distinct k-grams (words are drawn from
/// 8,000 three-syllable pseudo-words, so two unrelated documents share no k-gram in practice). The copy keeps the
/// base's length and replaces words with fresh ones so that exactly d of its k-grams are new: then
/// |A ∩ B| = N − d, |A ∪ B| = N + d and J = (N − d)/(N + d), so d = round(N (1 − J)/(1 + J)). The d changed
/// k-grams are laid out as disjoint edits: passages of L consecutive words replaced in the interior (each changes
/// L + k − 1 k-grams: a single word is the usual L = 1 case, longer ones a rewritten sentence), separated by random
/// gaps, plus one word among the first k − 1 for a remainder below k (word i &lt; k − 1 is in i + 1 k-grams).</para>
/// <para>No pair other than the planted ones is similar, and two copies never share a base: the clusters are pairs, so
/// precision is lost only through LSH verification bugs, never through chains.</para>
/// </remarks>
public static class PlantedDuplicates
{
    const string Consonants = "bdfgklmnprstvz", Vowels = "aeiou";

    /// <param name="bases">Base documents (the corpus has twice as many).</param>
    /// <param name="seed">Seed of every random choice.</param>
    /// <param name="minJaccard">Lowest target similarity.</param>
    /// <param name="maxJaccard">Highest target similarity (1: an exact copy is possible).</param>
    /// <param name="shingle">k of the word k-grams (the pipeline's <see cref="DedupOptions.ShingleSize"/>).</param>
    /// <param name="minWords">Shortest base, in words.</param>
    /// <param name="maxWords">Longest base, in words.</param>
    public static PlantedCorpus Generate(int bases, int seed = 1, double minJaccard = 0.5, double maxJaccard = 1.0, int shingle = 5,
        int minWords = 120, int maxWords = 400)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bases, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shingle, 1);
        if (!(minJaccard >= 1.0 / 3 && minJaccard <= maxJaccard && maxJaccard <= 1))
            throw new ArgumentOutOfRangeException(nameof(minJaccard), "need 1/3 ≤ min ≤ max ≤ 1 (below 1/3 the edits do not fit)");
        if (minWords < 4 * shingle + 8 || maxWords < minWords) throw new ArgumentOutOfRangeException(nameof(minWords));
        var rng = new Random(seed);
        var vocabulary = Vocabulary();
        string Word() => vocabulary[rng.Next(vocabulary.Length)];
        var docs = new List<(string Id, string Text)>();
        var planted = new List<(int Base, int Copy, double Target)>();
        for (int b = 0; b < bases; b++)
        {
            var words = Enumerable.Range(0, rng.Next(minWords, maxWords + 1)).Select(_ => Word()).ToArray();
            double target = minJaccard + (maxJaccard - minJaccard) * rng.NextDouble();
            var copy = Edit(words, target, shingle, rng, Word);
            docs.Add(($"base{b}", string.Join(' ', words)));
            docs.Add(($"copy{b}", string.Join(' ', copy)));
            planted.Add((2 * b, 2 * b + 1, target));
        }
        // Shuffle so that a copy is not its base's neighbour (the pipeline must not depend on order).
        var order = Enumerable.Range(0, docs.Count).OrderBy(_ => rng.Next()).ToArray();
        var position = new int[order.Length];
        for (int i = 0; i < order.Length; i++) position[order[i]] = i;
        var documents = order.Select(i => new Document(docs[i].Id, docs[i].Text, "planted")).ToList();
        var pairs = planted.Select(p => new PlantedPair(position[p.Base], position[p.Copy], p.Target,
            WordGramJaccard(docs[p.Base].Text, docs[p.Copy].Text, shingle))).ToList();
        return new PlantedCorpus(new DocumentList($"planted ({bases:N0} pairs, seed {seed})", documents), pairs);
    }

    /// <summary>Exact Jaccard similarity of the word k-gram sets of two texts (words split on spaces), on the strings.</summary>
    public static double WordGramJaccard(string a, string b, int k)
    {
        static HashSet<string> Grams(string text, int k)
        {
            var w = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var set = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i + k <= w.Length; i++) set.Add(string.Join(' ', w, i, k));
            return set;
        }
        var (x, y) = (Grams(a, k), Grams(b, k));
        int inter = x.Count(y.Contains);
        return inter / (double)(x.Count + y.Count - inter);
    }

    static string[] Edit(string[] words, double target, int k, Random rng, Func<string> word)
    {
        int n = words.Length, grams = n - k + 1;
        int d = (int)Math.Round(grams * (1 - target) / (1 + target));
        var copy = (string[])words.Clone();
        // 1. Split d into interior edits of c = L + k − 1 ≥ k changed k-grams each, and a remainder e < k.
        var chunks = new List<int>();
        int rest = d;
        while (rest >= 2 * k)
        {
            int c = rng.NextDouble() < 0.7 ? k : k + rng.Next(1, 4 * k); // mostly single words, some passages
            c = Math.Min(c, rest - k);
            chunks.Add(c);
            rest -= c;
        }
        if (rest >= k) { chunks.Add(rest); rest = 0; }
        // 2. The remainder: word e − 1 (< k − 1) is in the first e k-grams only.
        if (rest > 0) copy[rest - 1] = Other(words[rest - 1], word);
        // 3. Interior edits: an edit of L words starting at p changes the k-grams starting at p − k + 1 … p + L − 1.
        //    They start at k − 1 or later (after the remainder's) and end by the last k-gram; gaps are random.
        int slack = grams - (k - 1) - chunks.Sum();
        var gaps = RandomSplit(slack, chunks.Count + 1, rng);
        int start = k - 1; // first k-gram index an interior edit may change
        for (int j = 0; j < chunks.Count; j++)
        {
            start += gaps[j];
            int length = chunks[j] - (k - 1), p = start + k - 1;
            for (int i = p; i < p + length; i++) copy[i] = Other(words[i], word);
            start += chunks[j];
        }
        return copy;
    }

    /// <summary>A random word other than <paramref name="original"/> (else that k-gram would not change).</summary>
    static string Other(string original, Func<string> word)
    {
        string w;
        do w = word(); while (w == original);
        return w;
    }

    /// <summary><paramref name="total"/> split into <paramref name="parts"/> non-negative random parts.</summary>
    static int[] RandomSplit(int total, int parts, Random rng)
    {
        var cuts = Enumerable.Range(0, parts - 1).Select(_ => rng.Next(total + 1)).Order().ToArray();
        var result = new int[parts];
        int previous = 0;
        for (int i = 0; i < parts - 1; i++) { result[i] = cuts[i] - previous; previous = cuts[i]; }
        result[^1] = total - previous;
        return result;
    }

    /// <summary>8,000 pseudo-words of three consonant-vowel syllables minus a few (lower-case letters: normalisation
    /// leaves them as they are).</summary>
    static string[] Vocabulary()
    {
        var syllables = Consonants.SelectMany(c => Vowels.Select(v => $"{c}{v}")).ToArray(); // 70
        var all = from a in syllables from b in syllables from c in syllables select a + b + c;       // 343,000
        return all.Where((_, i) => i % 42 == 0).Take(8000).ToArray();
    }
}
