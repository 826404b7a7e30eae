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
    public void Incremental_training_learns_the_same_merges_as_the_naive_trainer()
    {
        // Small alphabets make overlapping pairs ("aaaa", "abab") and many ties: the cases incremental counts get wrong.
        // Letters and digits beyond the BMP, and special tokens, check both trainers cut the text the same way.
        var rng = new Random(7);
        var texts = Enumerable.Range(0, 40).Select(_ => new string(Enumerable.Range(0, rng.Next(1, 60))
            .Select(_ => "aab ba\n"[rng.Next(7)]).ToArray())).ToList();
        texts.Add("héllo wörld ünïcode 😀😀 ab ab ab");
        texts.Add("𝐀𝐁's 𝟏𝟐𝟑𝟒 𝐀𝐁 𝟏𝟐<|endoftext|>ab 𝐀𝐁 'S");
        foreach (string pattern in (string[])[SplitPatterns.None, SplitPatterns.Gpt2, SplitPatterns.Cl100k])
        {
            var options = new BpeTrainingOptions(256 + 60 + 1, pattern, ["<|endoftext|>"]);
            var trained = BpeTokenizer.Train(texts, options);
            var reference = NaiveBpeTrainer.Train(texts, options);
            Assert.Equal(60, reference.Merges.Count);
            Assert.Equal(reference.Merges, trained.Merges);
            Assert.Equal(reference.SpecialTokens, trained.SpecialTokens);
        }
    }

    [Fact]
    public void Naive_trainer_learns_the_wikipedia_example_and_stops_when_pairs_run_out()
    {
        var t = NaiveBpeTrainer.Train(["aaabdaaabac"], new BpeTrainingOptions(256 + 10, SplitPatterns.None));
        Assert.Equal([new BpeMerge('a', 'a', 256), new BpeMerge('a', 'b', 257), new BpeMerge(256, 257, 258)], t.Merges.Take(3));
        Assert.Equal(7, t.Merges.Count); // "XdXac" then takes 4 more merges to become one token, and nothing is left
        Assert.Equal(t.Merges, BpeTokenizer.Train(["aaabdaaabac"], new BpeTrainingOptions(256 + 10, SplitPatterns.None)).Merges);
        Assert.Contains("no documents",
            Assert.Throws<InputException>(() => NaiveBpeTrainer.Train([], new BpeTrainingOptions(300))).Message);
    }

    [Fact]
    public void The_trainer_cuts_letters_beyond_the_BMP_as_tiktoken_does()
    {
        // 𝐀 (U+1D400) is a letter: "𝐀's" is the word "𝐀" and the contraction "'s", so no token may hold both the
        // apostrophe and 𝐀's bytes (F0 9D 90 80). When .NET's \p{L} saw two surrogates, "𝐀'" was one run of symbols.
        var t = BpeTokenizer.Train(["𝐀's 𝐀's 𝐀's 𝐀's"], new BpeTrainingOptions(256 + 20, SplitPatterns.Gpt2));
        Assert.NotEmpty(t.Merges);
        foreach (var m in t.Merges)
        {
            byte[] bytes = t.TokenBytes(m.Id);
            Assert.False(bytes.Contains((byte)'\'') && bytes.Any(b => b >= 0x80),
                $"token {m.Id} crosses a word: {Convert.ToHexString(bytes)}");
        }
        Assert.Equal(["𝐀𝐁", "'s", " 𝟏𝟐"], PreTokenizer.For(SplitPatterns.Gpt2).Pieces("𝐀𝐁's 𝟏𝟐"));
        Assert.Equal(["𝐀𝐁", "'s", " ", "𝟏𝟐𝟑", "𝟒"], PreTokenizer.For(SplitPatterns.Cl100k).Pieces("𝐀𝐁's 𝟏𝟐𝟑𝟒"));
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
}
