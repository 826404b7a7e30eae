using LlmLab.Data.Dedup;

namespace LlmLab.Alignment;

/// <summary>
/// Keeps the test set out of the training set (decontamination, as GPT-3 §4 and Lee et al. 2022 do for benchmarks),
/// with Part 5's dedup building blocks: texts are normalised (<see cref="TextNormalizer"/>, NFKC + lower case +
/// punctuation, digits kept so that "3 + 4" and "5 + 6" differ), then
/// <list type="number">
/// <item>exact: a training text whose 128-bit hash (<see cref="DedupHash.Of128"/>) equals a test text's is dropped;</item>
/// <item>near: MinHash signatures (<see cref="MinHasher"/>) of word shingles are banded (<see cref="LshParameters.Optimal"/>);
/// a training text sharing a band with a test text is a candidate, and is dropped when the exact Jaccard similarity
/// of their shingle sets reaches the threshold (candidates are verified, so LSH costs recall only, never precision).</item>
/// </list>
/// Build it once over the test set, then ask <see cref="Contaminated"/> for each training text. Not thread-safe.
/// </summary>
public sealed class TestSetFilter
{
    readonly NormalizationOptions _norm = NormalizationOptions.Default;
    readonly int _shingle;
    readonly double _threshold;
    readonly MinHasher _hasher;
    readonly LshParameters _bands;
    readonly HashSet<UInt128> _exact = [];
    readonly Dictionary<ulong, List<int>> _buckets = [];
    readonly List<ulong[]> _shingles = [];

    /// <param name="testTexts">The texts to keep out of training.</param>
    /// <param name="threshold">Jaccard similarity at or above which a training text is a near duplicate (0.8: the
    /// threshold of Lee et al. 2022 and text-dedup's default).</param>
    /// <param name="shingleSize">Words per shingle (3 suits prompts of a dozen words; Part 5 uses 5 for documents).</param>
    /// <param name="seed">Seeds the MinHash permutations.</param>
    public TestSetFilter(IEnumerable<string> testTexts, double threshold = 0.8, int shingleSize = 3, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(testTexts);
        if (!(threshold > 0 && threshold <= 1)) throw new InputException($"the near-duplicate threshold must be in (0, 1] (got {threshold})");
        (_threshold, _shingle) = (threshold, shingleSize);
        _hasher = new MinHasher(128, seed);
        _bands = LshParameters.Optimal(threshold, 128);
        foreach (string text in testTexts)
        {
            string n = TextNormalizer.Normalize(text, _norm);
            _exact.Add(DedupHash.Of128(n));
            var sh = Shingler.Shingles(n, ShingleKind.Words, _shingle);
            int id = _shingles.Count;
            _shingles.Add(sh);
            foreach (ulong key in BandKeys(sh))
            {
                if (!_buckets.TryGetValue(key, out var list)) _buckets[key] = list = [];
                list.Add(id);
            }
        }
    }

    /// <summary>Why <paramref name="trainText"/> must not be trained on: null (it may), "exact" or "near".</summary>
    public string? Contaminated(string trainText)
    {
        string n = TextNormalizer.Normalize(trainText ?? "", _norm);
        if (_exact.Contains(DedupHash.Of128(n))) return "exact";
        var sh = Shingler.Shingles(n, ShingleKind.Words, _shingle);
        var seen = new HashSet<int>();
        foreach (ulong key in BandKeys(sh))
            if (_buckets.TryGetValue(key, out var list))
                foreach (int id in list)
                    if (seen.Add(id) && Jaccard.Of(sh, _shingles[id]) >= _threshold) return "near";
        return null;
    }

    IEnumerable<ulong> BandKeys(ulong[] shingles)
    {
        if (shingles.Length == 0) yield break;
        uint[] sig = _hasher.Signature(shingles);
        for (int b = 0; b < _bands.Bands; b++)
            yield return DedupHash.Combine(sig.AsSpan(b * _bands.Rows, _bands.Rows), (ulong)b);
    }
}
