namespace LlmLab.Data.Analysis;

/// <summary>
/// The published document-quality filters, each threshold beside its source. Sources:
/// <list type="bullet">
/// <item>Gopher: Rae et al. 2021, "Scaling Language Models: Methods, Analysis &amp; Insights from Training Gopher",
/// appendix A (quality filters) and table A1 (repetition thresholds); datatrove's GopherQualityFilter and
/// GopherRepetitionFilter have the same defaults.</item>
/// <item>C4: Raffel et al. 2020 (JMLR 21), §2.2, and its reference code, TFDS <c>c4_utils.py</c>
/// (<c>_MIN_WORDS_PER_LINE = 5</c>, <c>_MIN_NUM_SENTENCES = 3</c>, <c>_MAX_WORD_LENGTH = 1000</c>). Note: datatrove's
/// C4QualityFilter swaps the two counts (3 words per line, 5 sentences) and says so in its docstring; we follow the
/// paper and TFDS.</item>
/// <item>FineWeb: Penedo et al. 2024, "The FineWeb Datasets", section "developing additional heuristic filters": line punctuation ratio ≤
/// 0.12, duplicated-line character ratio ≥ 0.1, short-line (≤ 30 characters) ratio ≥ 0.67; the fourth, newline/word
/// ratio &gt; 0.3, is datatrove's FineWebQualityFilter default (not in the paper). datatrove's default for the
/// duplicated-line character ratio is 0.01, not the paper's 0.1; we use the paper's.</item>
/// </list>
/// </summary>
public static class QualityRules
{
    const string Gopher = "Gopher", GopherRep = "Gopher repetition", C4 = "C4", FineWeb = "FineWeb";
    const string GopherA11 = "Rae et al. 2021, app. A", GopherA1 = "Rae et al. 2021, table A1";
    const string C4Paper = "Raffel et al. 2020 §2.2; TFDS c4_utils", FineWebPaper = "Penedo et al. 2024, additional heuristic filters";

    /// <summary>Gopher: documents of fewer than 50 or more than 100,000 words are removed (app. A).</summary>
    public const int GopherMinWords = 50, GopherMaxWords = 100_000;
    /// <summary>Gopher: mean word length outside 3–10 characters (app. A).</summary>
    public const double GopherMinMeanWordLength = 3, GopherMaxMeanWordLength = 10;
    /// <summary>Gopher: symbol-to-word ratio above 0.1 for '#' or the ellipsis (app. A).</summary>
    public const double GopherMaxSymbolWordRatio = 0.1;
    /// <summary>Gopher: more than 90% of lines starting with a bullet (app. A).</summary>
    public const double GopherMaxBulletLines = 0.9;
    /// <summary>Gopher: more than 30% of lines ending with an ellipsis (app. A).</summary>
    public const double GopherMaxEllipsisLines = 0.3;
    /// <summary>Gopher: fewer than 80% of words with an alphabetic character (app. A).</summary>
    public const double GopherMinAlphaWords = 0.8;
    /// <summary>Gopher: fewer than 2 occurrences of the stop words the, be, to, of, and, that, have, with (app. A).</summary>
    public const int GopherMinStopWords = 2;
    /// <summary>Gopher repetition: duplicate line fraction 0.30, duplicate line character fraction 0.20 (table A1).</summary>
    public const double GopherMaxDuplicateLines = 0.30, GopherMaxDuplicateLineChars = 0.20;
    /// <summary>Gopher repetition: top 2-, 3-, 4-gram character fractions 0.20, 0.18, 0.16 (table A1).</summary>
    public static readonly IReadOnlyList<double> GopherMaxTopNgram = [0.20, 0.18, 0.16];
    /// <summary>Gopher repetition: duplicate 5- to 10-gram character fractions 0.15 down to 0.10 (table A1).</summary>
    public static readonly IReadOnlyList<double> GopherMaxDuplicateNgram = [0.15, 0.14, 0.13, 0.12, 0.11, 0.10];
    /// <summary>C4: lines of fewer than 5 words are dropped (TFDS <c>_MIN_WORDS_PER_LINE</c>).</summary>
    public const int C4MinWordsPerLine = 5;
    /// <summary>C4: pages with fewer than 3 sentences after line cleaning are dropped (TFDS <c>_MIN_NUM_SENTENCES</c>).</summary>
    public const int C4MinSentences = 3;
    /// <summary>C4: lines with a word longer than 1,000 characters are dropped (TFDS <c>_MAX_WORD_LENGTH</c>).</summary>
    public const int C4MaxWordChars = 1000;
    /// <summary>C4: lines with these phrases (cookie and policy notices) are dropped (TFDS <c>_POLICY_SUBSTRINGS</c>).</summary>
    public static readonly IReadOnlyList<string> C4PolicySubstrings =
        ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"];
    /// <summary>FineWeb: line punctuation ratio ≤ 0.12 removes the document (Penedo et al. 2024).</summary>
    public const double FineWebMaxLinePunctuation = 0.12;
    /// <summary>FineWeb: short-line ratio ≥ 0.67 removes the document; a short line has ≤ 30 characters (Penedo et al. 2024).</summary>
    public const double FineWebMaxShortLines = 0.67;
    /// <summary>FineWeb's short-line length, characters (datatrove <c>short_line_length = 30</c>).</summary>
    public const int FineWebShortLineChars = 30;
    /// <summary>FineWeb: duplicated-line character ratio ≥ 0.1 removes the document (Penedo et al. 2024).</summary>
    public const double FineWebMaxDuplicateLineChars = 0.1;
    /// <summary>FineWeb: newlines per word &gt; 0.3 removes the document (datatrove <c>new_line_ratio = 0.3</c>).</summary>
    public const double FineWebMaxNewlineRatio = 0.3;

    static readonly HistogramBins Fraction = new(0, 1, 50);

    /// <summary>Every rule, in report order.</summary>
    public static IReadOnlyList<QualityRule> All { get; } = Build();

    static List<QualityRule> Build()
    {
        var rules = new List<QualityRule>
        {
            new("gopher.word_count", Gopher, "words per document", s => s.Words, GopherMinWords, GopherMaxWords, false, GopherA11,
                new(1, 1e6, 60, Log10: true)),
            new("gopher.mean_word_length", Gopher, "mean word length (characters)", s => s.MeanWordLength, GopherMinMeanWordLength,
                GopherMaxMeanWordLength, false, GopherA11, new(0, 20, 80)),
            new("gopher.symbol_word_ratio", Gopher, "symbol-to-word ratio (# or ellipsis)", s => s.SymbolWordRatio, null,
                GopherMaxSymbolWordRatio, false, GopherA11, new(0, 0.5, 50)),
            new("gopher.bullet_lines", Gopher, "fraction of lines starting with a bullet", s => s.BulletLineFraction, null,
                GopherMaxBulletLines, false, GopherA11, Fraction),
            new("gopher.ellipsis_lines", Gopher, "fraction of lines ending with an ellipsis", s => s.EllipsisLineFraction, null,
                GopherMaxEllipsisLines, false, GopherA11, Fraction),
            new("gopher.alpha_words", Gopher, "fraction of words with a letter", s => s.AlphaWordFraction, GopherMinAlphaWords, null, false,
                GopherA11, Fraction),
            new("gopher.stop_words", Gopher, "stop-word occurrences", s => s.StopWords, GopherMinStopWords, null, false, GopherA11,
                new(0, 50, 50)),
            new("gopher.duplicate_lines", GopherRep, "duplicate line fraction", s => s.DuplicateLineFraction, null, GopherMaxDuplicateLines,
                false, GopherA1, Fraction),
            new("gopher.duplicate_line_chars", GopherRep, "duplicate line character fraction", s => s.DuplicateLineCharFraction, null,
                GopherMaxDuplicateLineChars, false, GopherA1, Fraction),
        };
        for (int k = 0; k < 3; k++)
        {
            int i = k;
            rules.Add(new($"gopher.top_{i + 2}gram", GopherRep, $"top {i + 2}-gram character fraction", s => s.TopNgramCharFraction[i],
                null, GopherMaxTopNgram[i], false, GopherA1, Fraction));
        }
        for (int k = 0; k < 6; k++)
        {
            int i = k;
            rules.Add(new($"gopher.duplicate_{i + 5}gram", GopherRep, $"duplicate {i + 5}-gram character fraction",
                s => s.DuplicateNgramCharFraction[i], null, GopherMaxDuplicateNgram[i], false, GopherA1, Fraction));
        }
        rules.AddRange(
        [
            new("c4.sentences", C4, "sentences left after C4's line rules", s => s.C4Sentences, C4MinSentences, null, false, C4Paper,
            new(0, 50, 50)),
            new("c4.lorem_ipsum", C4, "a kept line holds \"lorem ipsum\"", s => s.C4PageRule == "lorem ipsum" ? 1 : 0, null, 0.5, false,
                C4Paper, null),
            new("c4.curly_bracket", C4, "a kept line holds a curly bracket", s => s.C4PageRule == "curly bracket" ? 1 : 0, null, 0.5, false,
                C4Paper, null),
            new("fineweb.line_punctuation", FineWeb, "fraction of lines ending in punctuation", s => s.LinePunctuationRatio,
                FineWebMaxLinePunctuation, null, true, FineWebPaper, Fraction),
            new("fineweb.short_lines", FineWeb, "fraction of lines of ≤ 30 characters", s => s.ShortLineRatio, null, FineWebMaxShortLines,
                true, FineWebPaper, Fraction),
            new("fineweb.duplicate_line_chars", FineWeb, "duplicated-line character ratio", s => s.DuplicateLineCharRatio, null,
                FineWebMaxDuplicateLineChars, true, FineWebPaper, Fraction),
            new("fineweb.newline_ratio", FineWeb, "newlines per word", s => s.NewlineRatio, null, FineWebMaxNewlineRatio, false,
                "datatrove FineWebQualityFilter", new(0, 1.5, 60)),
        ]);
        return rules;
    }

    /// <summary>The families, in report order.</summary>
    public static IReadOnlyList<string> Families { get; } = [Gopher, GopherRep, C4, FineWeb];
}
