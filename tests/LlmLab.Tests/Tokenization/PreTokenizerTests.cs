using System.Text.RegularExpressions;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Tokenization;

public class PreTokenizerTests
{
    // Inside the BMP, .NET's regex classes see whole characters, so there the patterns run as .NET regexes are an
    // independent reference for the scanners (lone surrogates are "other" to both). 20,000 random strings over an
    // alphabet of the characters each branch of the patterns turns on. Not ſ (U+017F): .NET's (?i)s does not match it,
    // Rust's (tiktoken's) does — see the test below.
    [Theory]
    [InlineData(SplitPatterns.Gpt2)]
    [InlineData(SplitPatterns.Cl100k)]
    public void Scanners_cut_BMP_text_as_the_patterns_regex_does(string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var pre = PreTokenizer.For(pattern);
        string alphabet = "aZsSdDmMtTlLvVeErR'' \u00A0\u3000\t\n\r\u0085\u2028\uFEFF\u200B0789½Ⅻ٣.,!-_\u0301é日\uD800\uDC00";
        var rng = new Random(11);
        for (int k = 0; k < 20_000; k++)
        {
            string text = new(Enumerable.Range(0, rng.Next(0, 24)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            text = text.Replace("\uD800\uDC00", "\uD800 \uDC00"); // keep every surrogate lone: pairs are where regexes differ
            var expected = regex.Matches(text).Select(m => m.Value).ToList();
            var actual = pre.Pieces(text);
            Assert.True(expected.SequenceEqual(actual),
                $"{Show(text)}: regex [{string.Join("|", expected.Select(Show))}] scanner [{string.Join("|", actual.Select(Show))}]");
        }
    }

    [Fact]
    public void Letters_and_digits_beyond_the_BMP_are_letters_and_digits()
    {
        var gpt2 = PreTokenizer.For(SplitPatterns.Gpt2);
        var cl100k = PreTokenizer.For(SplitPatterns.Cl100k);
        // The issue's cases: tiktoken gives cl100k " 𝟙" as " " + "𝟙" (a digit, with no space in front in cl100k) …
        Assert.Equal([" ", "𝟙"], cl100k.Pieces(" 𝟙"));
        Assert.Equal([" 𝟙"], gpt2.Pieces(" 𝟙"));
        // … and "𝐀's" as a letter and a contraction.
        Assert.Equal(["𝐀", "'s"], gpt2.Pieces("𝐀's"));
        Assert.Equal(["the", " ", "𝟐𝟎𝟐", "𝟒", " report"], cl100k.Pieces("the 𝟐𝟎𝟐𝟒 report"));
        // Emoji are symbols; a ZWJ sequence stays one run; a space before them joins them.
        Assert.Equal(["a", " 😀\u200D😀"], gpt2.Pieces("a 😀\u200D😀"));
        // cl100k's contractions ignore case, with Unicode's simple case folding (ſ, long s, folds to s): tiktoken 1.0.22
        // built with the pattern '(?i:[sdmt]|ll|ve|re) alone (text no branch matches is dropped) encodes "'ſ" as
        // [6, 129, 123], "'s" as [596], "'K" as []. (The ids of "'ſam" cannot show it: cl100k never merges ſ's bytes.)
        Assert.Equal(["'S", "am"], cl100k.Pieces("'Sam"));
        Assert.Equal(["'ſ", "am"], cl100k.Pieces("'ſam"));
        Assert.Equal(["'", "Sam"], gpt2.Pieces("'Sam"));
    }

    [Fact]
    public void None_is_the_whole_text_and_custom_patterns_run_as_regexes()
    {
        Assert.Equal(["a b"], PreTokenizer.For(SplitPatterns.None).Pieces("a b"));
        Assert.Empty(PreTokenizer.For(SplitPatterns.None).Pieces(""));
        Assert.Equal(["a", "b"], PreTokenizer.For(@"\w").Pieces("a b"));
        Assert.Contains("not a valid regex", Assert.Throws<InputException>(() => PreTokenizer.For("(")).Message);
    }

    static string Show(string s) => string.Concat(s.Select(c => c is >= ' ' and < '\x7F' ? c.ToString() : $"\\u{(int)c:X4}"));
}
