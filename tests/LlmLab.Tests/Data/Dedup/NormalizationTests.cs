using LlmLab.Data.Dedup;

namespace LlmLab.Tests.Data.Dedup;

public class NormalizationTests
{
    [Theory]
    [InlineData("  Hello,   World!\n", "hello world")]
    [InlineData("ﬁne ＡＢＣ", "fine abc")]                 // NFKC: ligature and full-width letters
    [InlineData("a\u00A0-\u00A0b", "a b")]                 // no-break spaces are whitespace after NFKC; the dash is punctuation
    [InlineData("Version 1.2 (beta)", "version 12 beta")]  // digits kept by default
    public void Default_normalisation(string text, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(text, NormalizationOptions.Default));

    [Fact]
    public void Each_step_is_an_option()
    {
        const string text = " Ab,  C3 ";
        Assert.Equal(text, TextNormalizer.Normalize(text, NormalizationOptions.None));
        Assert.Equal(" ab,  c3 ", TextNormalizer.Normalize(text, NormalizationOptions.None with { Lowercase = true }));
        Assert.Equal("Ab, C3", TextNormalizer.Normalize(text, NormalizationOptions.None with { Whitespace = true }));
        Assert.Equal(" Ab  C3 ", TextNormalizer.Normalize(text, NormalizationOptions.None with { Punctuation = true }));
        Assert.Equal(" Ab,  C0 ", TextNormalizer.Normalize(text, NormalizationOptions.None with { Digits = true }));
        Assert.Equal("nfkc+lower+space+punct", NormalizationOptions.Default.Describe());
        Assert.Equal(NormalizationOptions.Default with { Digits = true }, NormalizationOptions.Parse("nfkc,lower,space,punct,digits"));
        var e = Assert.Throws<InputException>(() => NormalizationOptions.Parse("nfkc,upper"));
        Assert.Contains("'upper'", e.Message);
    }

    [Fact]
    public void Word_shingles_are_sorted_distinct_and_short_texts_have_one()
    {
        var five = Shingler.Shingles("a b c d e f", ShingleKind.Words, 5);
        Assert.Equal(2, five.Length);
        Assert.True(five[0] < five[1]);
        Assert.Single(Shingler.Shingles("a b c", ShingleKind.Words, 5));
        Assert.Empty(Shingler.Shingles("", ShingleKind.Words, 5));
        Assert.Equal(2, Shingler.Shingles("a b a b a b", ShingleKind.Words, 5).Length);
        Assert.Equal(3, Shingler.Shingles("abcab", ShingleKind.Chars, 2).Length); // ab, bc, ca (ab twice)
        // Same words, same shingles, whatever the spacing.
        Assert.Equal(Shingler.Shingles("x y  z", ShingleKind.Words, 2), Shingler.Shingles("x y z", ShingleKind.Words, 2));
    }

    [Fact]
    public void Hashes_are_stable_and_the_128_bit_lanes_differ()
    {
        Assert.NotEqual(DedupHash.Of("hello"), DedupHash.Of("hellp"));
        Assert.NotEqual(DedupHash.Of("abcdefgh"), DedupHash.Of("abcdefgh\0"));
        var h = DedupHash.Of128("hello");
        Assert.NotEqual((ulong)h, (ulong)(h >> 64));
        Assert.Equal(DedupHash.Of("hello", 0), DedupHash.Of("hello"));
    }
}
