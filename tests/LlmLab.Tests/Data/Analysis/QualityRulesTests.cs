using LlmLab.Data.Analysis;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>The published thresholds are pinned, and each rule's bound is strict or inclusive as its source says.</summary>
public sealed class QualityRulesTests
{
    [Fact]
    public void Thresholds_are_the_published_ones()
    {
        Assert.Equal((50, 100_000), (QualityRules.GopherMinWords, QualityRules.GopherMaxWords));
        Assert.Equal((3.0, 10.0, 0.1, 0.9, 0.3, 0.8, 2), (QualityRules.GopherMinMeanWordLength, QualityRules.GopherMaxMeanWordLength,
            QualityRules.GopherMaxSymbolWordRatio, QualityRules.GopherMaxBulletLines, QualityRules.GopherMaxEllipsisLines,
            QualityRules.GopherMinAlphaWords, QualityRules.GopherMinStopWords));
        Assert.Equal([0.20, 0.18, 0.16], QualityRules.GopherMaxTopNgram);
        Assert.Equal([0.15, 0.14, 0.13, 0.12, 0.11, 0.10], QualityRules.GopherMaxDuplicateNgram);
        Assert.Equal((5, 3, 1000), (QualityRules.C4MinWordsPerLine, QualityRules.C4MinSentences, QualityRules.C4MaxWordChars));
        Assert.Equal((0.12, 0.67, 30, 0.1, 0.3), (QualityRules.FineWebMaxLinePunctuation, QualityRules.FineWebMaxShortLines,
            QualityRules.FineWebShortLineChars, QualityRules.FineWebMaxDuplicateLineChars, QualityRules.FineWebMaxNewlineRatio));
        Assert.Equal(25, QualityRules.All.Count); // Gopher 7, Gopher repetition 11, C4 3, FineWeb 4
        Assert.Equal(QualityRules.All.Count, QualityRules.All.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void Bounds_are_strict_for_Gopher_and_inclusive_for_FineWeb()
    {
        var gopherSymbols = QualityRules.All.Single(r => r.Id == "gopher.symbol_word_ratio");
        var finewebPunct = QualityRules.All.Single(r => r.Id == "fineweb.line_punctuation");
        var words = QualityRules.All.Single(r => r.Id == "gopher.word_count");
        // 1 '#' per 10 words: exactly Gopher's 0.1, kept (it removes > 0.1).
        Assert.False(gopherSymbols.Removes(DocumentSignals.Of("# a b c d e f g h i j")));
        Assert.True(gopherSymbols.Removes(DocumentSignals.Of("# # a b c d e f g h i j")));
        Assert.Equal("> 0.1", gopherSymbols.Condition);
        Assert.Equal("< 50 or > 100,000", words.Condition);
        Assert.Equal("≤ 0.12", finewebPunct.Condition);
        Assert.True(finewebPunct.Removes(DocumentSignals.Of("no punctuation at all"))); // 0 ≤ 0.12
        Assert.False(finewebPunct.Removes(DocumentSignals.Of("Ends well.")));
        Assert.True(words.Removes(DocumentSignals.Of(string.Join(' ', Enumerable.Repeat("word", 49)))));
        Assert.False(words.Removes(DocumentSignals.Of(string.Join(' ', Enumerable.Repeat("word", 50)))));
    }
}
