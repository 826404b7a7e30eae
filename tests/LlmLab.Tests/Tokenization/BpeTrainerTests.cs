using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

public class BpeTrainerTests
{
    [Fact]
    public void Wikipedia_example_merges_aa_then_ab_then_ZY()
    {
        // en.wikipedia.org/wiki/Byte_pair_encoding: "aaabdaaabac" → Z=aa, Y=ab, X=ZY, leaving "XdXac".
        var t = BpeTokenizer.Train(["aaabdaaabac"], new BpeTrainingOptions(256 + 3, SplitPatterns.None));
        Assert.Equal([new BpeMerge('a', 'a', 256), new BpeMerge('a', 'b', 257), new BpeMerge(256, 257, 258)], t.Merges);
        Assert.Equal([258, 'd', 258, 'a', 'c'], t.Encode("aaabdaaabac"));
        Assert.Equal("aaabdaaabac", t.Decode(t.Encode("aaabdaaabac")));
    }

    [Fact]
    public void Incremental_training_learns_the_same_merges_as_recounting_everything()
    {
        // Small alphabets make overlapping pairs ("aaaa", "abab") and many ties: the cases incremental counts get wrong.
        var rng = new Random(7);
        var texts = Enumerable.Range(0, 40).Select(_ => new string(Enumerable.Range(0, rng.Next(1, 60))
            .Select(_ => "aab ba\n"[rng.Next(7)]).ToArray())).ToList();
        texts.Add("héllo wörld ünïcode 😀😀 ab ab ab");
        foreach (string pattern in (string[])[SplitPatterns.None, SplitPatterns.Gpt2, SplitPatterns.Cl100k])
        {
            var trained = BpeTokenizer.Train(texts, new BpeTrainingOptions(256 + 60, pattern));
            var reference = NaiveMerges(texts, pattern, 60);
            Assert.Equal(reference, trained.Merges);
        }
    }

    [Fact]
    public void Training_is_deterministic()
    {
        var texts = SampleTexts();
        var a = BpeTokenizer.Train(texts, new BpeTrainingOptions(400, SplitPatterns.Gpt2));
        var b = BpeTokenizer.Train(texts.AsEnumerable().Reverse(), new BpeTrainingOptions(400, SplitPatterns.Gpt2));
        Assert.Equal(a.Merges, b.Merges); // word counts do not depend on document order
        Assert.Equal(144, a.Merges.Count);
    }

    [Fact]
    public void Special_tokens_take_ids_after_the_merges_and_are_never_learned_from()
    {
        string[] texts = ["ab<|endoftext|>ab<|endoftext|>ab<|endoftext|>"];
        var t = BpeTokenizer.Train(texts, new BpeTrainingOptions(256 + 5 + 1, SplitPatterns.None, ["<|endoftext|>"]));
        Assert.Single(t.Merges); // only "ab": nothing crosses or enters the special token
        Assert.Equal(new BpeMerge('a', 'b', 256), t.Merges[0]);
        Assert.Equal(257, t.SpecialTokenId("<|endoftext|>"));
        Assert.Equal(258, t.VocabSize); // fewer merges than asked: the corpus ran out of pairs
        Assert.Equal([256, 257, 256], t.Encode("ab<|endoftext|>ab"));
        Assert.Equal([256, '<', '|', 'e'], t.EncodeOrdinary("ab<|e"));
    }

    [Fact]
    public void Vocabulary_below_256_plus_specials_is_an_error_naming_the_value()
    {
        var e = Assert.Throws<InputException>(() =>
            BpeTokenizer.Train(["x"], new BpeTrainingOptions(100, SpecialTokens: ["<|a|>", "<|b|>"])));
        Assert.StartsWith("--vocab-size must be ≥ 258 (got 100)", e.Message);
    }

    [Fact]
    public void Empty_corpus_is_an_error()
    {
        Assert.Contains("no documents", Assert.Throws<InputException>(() => BpeTokenizer.Train([], new BpeTrainingOptions(300))).Message);
        Assert.Contains("no text to learn from", Assert.Throws<InputException>(() =>
            BpeTokenizer.Train(["", "<|x|>"], new BpeTrainingOptions(300, SpecialTokens: ["<|x|>"]))).Message);
    }

    [Fact]
    public void Unknown_or_repeated_special_tokens_are_errors_naming_them()
    {
        var t = BpeTokenizer.Train(["hello"], new BpeTrainingOptions(260, SpecialTokens: ["<|endoftext|>"]));
        var e = Assert.Throws<InputException>(() => t.Encode("hi", ["<|fim_prefix|>"]));
        Assert.Equal("unknown special token '<|fim_prefix|>'; bpe has <|endoftext|>", e.Message);
        Assert.Contains("'<|a|>' is given twice", Assert.Throws<InputException>(() =>
            BpeTokenizer.Train(["x"], new BpeTrainingOptions(300, SpecialTokens: ["<|a|>", "<|a|>"]))).Message);
    }

    internal static List<string> SampleTexts() =>
    [
        "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.",
        "Returns the number of elements in the collection, or 0 when it is empty.",
        "Gets or sets the value. Throws ArgumentNullException when value is null.",
        "1234 + 5678 = 6912, and 3.14159 is pi; don't forget it's 2025.",
        "Ünïcödé: naïve café, 日本語, emoji 😀 and tabs\tand\nnewlines.",
    ];

    // minbpe's training loop, recounting every pair of every word at each step, with our tie rule (highest count, then
    // the smallest pair) and left-to-right merging within a word.
    static List<BpeMerge> NaiveMerges(IEnumerable<string> texts, string pattern, int count)
    {
        var regex = SplitPatterns.Compile(pattern);
        var words = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string t in texts)
            foreach (string w in regex is null ? (t.Length > 0 ? [t] : []) : regex.Matches(t).Select(m => m.Value))
                words[w] = words.GetValueOrDefault(w) + 1;
        var seqs = words.Select(kv => (Ids: Encoding.UTF8.GetBytes(kv.Key).Select(b => (int)b).ToList(), kv.Value)).ToList();
        var merges = new List<BpeMerge>();
        for (int k = 0; k < count; k++)
        {
            var stats = new Dictionary<(int, int), long>();
            foreach (var (ids, f) in seqs)
                for (int i = 0; i + 1 < ids.Count; i++) stats[(ids[i], ids[i + 1])] = stats.GetValueOrDefault((ids[i], ids[i + 1])) + f;
            if (stats.Count == 0) break;
            var best = stats.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2).First().Key;
            int z = 256 + k;
            merges.Add(new BpeMerge(best.Item1, best.Item2, z));
            foreach (var (ids, _) in seqs)
                for (int i = 0; i + 1 < ids.Count; i++)
                    if (ids[i] == best.Item1 && ids[i + 1] == best.Item2) { ids[i] = z; ids.RemoveAt(i + 1); }
        }
        return merges;
    }
}
