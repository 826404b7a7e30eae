using LlmLab.Data.Analysis;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>Each quality signal on hand-made documents whose values are worked out by hand.</summary>
public sealed class DocumentSignalsTests
{
    [Fact]
    public void Words_mean_length_and_stop_words()
    {
        var s = DocumentSignals.Of("The cat sat on the mat.");
        Assert.Equal(6, s.Words);                     // The cat sat on the mat ("." is stripped)
        Assert.Equal(17 / 6.0, s.MeanWordLength, 12); // 3+3+3+2+3+3
        Assert.Equal(2, s.StopWords);                 // The, the
        Assert.Equal(1, s.Lines);
        Assert.Equal(23, s.Chars);
    }

    [Fact]
    public void Symbol_ratio_counts_hashes_and_ellipses_per_word()
    {
        Assert.Equal(1 / 9.0, DocumentSignals.Of("# a b c d e f g h i").SymbolWordRatio, 12); // "#" alone is not a word
        Assert.Equal(2 / 4.0, DocumentSignals.Of("one... two… three four").SymbolWordRatio, 12);
    }

    [Fact]
    public void Line_fractions_bullets_ellipses_and_letters()
    {
        Assert.Equal(0.75, DocumentSignals.Of("• a\n• b\n- c\nd\n\n").BulletLineFraction, 12); // the blank lines do not count
        Assert.Equal(2 / 3.0, DocumentSignals.Of("a...\nb…\nc").EllipsisLineFraction, 12);
        Assert.Equal(2 / 3.0, DocumentSignals.Of("abc 123 4x").AlphaWordFraction, 12);
    }

    [Fact]
    public void Duplicate_lines_and_their_characters()
    {
        var s = DocumentSignals.Of("x y\nx y\nz\nx y"); // 4 lines, 2 repeats of "x y"; 13 characters
        Assert.Equal(0.5, s.DuplicateLineFraction, 12);
        Assert.Equal(6 / 13.0, s.DuplicateLineCharFraction, 12);
        Assert.Equal(6 / 10.0, s.DuplicateLineCharRatio, 12); // FineWeb: over the 10 characters that are not newlines
    }

    [Fact]
    public void Top_and_duplicate_ngram_character_fractions()
    {
        var s = DocumentSignals.Of("a b a b a b c"); // "a b" × 3 = 6 of 7 word characters
        Assert.Equal(6 / 7.0, s.TopNgramCharFraction[0], 12);
        Assert.Equal(0, DocumentSignals.Of("one two three four").TopNgramCharFraction[0]); // nothing repeats
        var rep = DocumentSignals.Of("aa bb cc dd ee aa bb cc dd ee ff"); // the 5-gram repeats: 10 of 12 word characters covered
        Assert.Equal(20 / 22.0, rep.DuplicateNgramCharFraction[0], 12);
        Assert.Equal(0, rep.DuplicateNgramCharFraction[1]); // no 6-gram repeats
    }

    [Fact]
    public void C4_line_rules_and_sentences()
    {
        string text = "This line has five words.\nToo short.\nNo end mark on this line\nEnable javascript to see this page.\n" +
                      "One two three four five. Six seven eight nine ten! Eleven?";
        var s = DocumentSignals.Of(text);
        Assert.Equal(2, s.C4KeptLines);   // the first and the last
        Assert.Equal(4, s.C4Sentences);   // 1 + 3
        Assert.Null(s.C4PageRule);
        Assert.Equal(4 / 5.0, s.TerminalLineFraction, 12);
        Assert.Equal("lorem ipsum", DocumentSignals.Of("Lorem ipsum dolor sit amet consectetur.").C4PageRule);
        Assert.Equal("curly bracket", DocumentSignals.Of("Call it as f() { return 1; } here.").C4PageRule);
        Assert.Null(DocumentSignals.Of("{ short }").C4PageRule); // dropped as a line before the bracket rule sees it, as in TFDS
    }

    [Fact]
    public void FineWeb_line_punctuation_short_lines_and_newlines()
    {
        var s = DocumentSignals.Of("short\nshort line two\na much longer line that goes well past thirty characters.");
        Assert.Equal(1 / 3.0, s.LinePunctuationRatio, 12);
        Assert.Equal(2 / 3.0, s.ShortLineRatio, 12);
        Assert.Equal(2 / 14.0, s.NewlineRatio, 12); // 2 newlines, 1 + 3 + 10 words
    }

    [Fact]
    public void Empty_text_has_zero_signals()
    {
        var s = DocumentSignals.Of("");
        Assert.Equal(0, s.Words);
        Assert.Equal(0, s.MeanWordLength);
        Assert.Equal(0, s.DuplicateLineCharFraction);
        Assert.Equal(0, s.C4Sentences);
    }
}
