using System.Globalization;
using LlmLab.Data.Analysis;

namespace LlmLab.Reporting;

/// <summary>The Zipf and Heaps fits a corpus report drew (for the lab's checks and the CLI's summary).</summary>
/// <param name="ZipfWords">ln f against ln rank over word types; s = −Exponent.</param>
/// <param name="ZipfTokens">The same over tokens; null without a tokenizer or with too few tokens.</param>
/// <param name="Heaps">ln V against ln n: β = Exponent, K = Coefficient.</param>
public sealed record CorpusFits(PowerLawFit ZipfWords, PowerLawFit? ZipfTokens, PowerLawFit Heaps);

/// <summary>
/// Writes the distribution report of a <see cref="CorpusStatistics"/> — sizes, lengths, character classes, Zipf,
/// Heaps, quality-signal histograms with the published thresholds, what each filter would remove, the language mix
/// and the per-source table — into a <see cref="Report"/>, and its figures through <c>image(name, png, caption)</c>.
/// Shared by lab 5.2 and <c>llmlab data stats</c>. The fits are the library's (<see cref="PowerLawFit"/>).
/// </summary>
public static class CorpusAnalysisReport
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Fit ranges and table sizes.</summary>
    /// <param name="ZipfMinRank">First rank of the Zipf fit.</param>
    /// <param name="ZipfMaxRank">Last rank of the Zipf fit (the fit also stops where types get rarer than ZipfMinCount).</param>
    /// <param name="ZipfMinCount">Types seen fewer times are left out of the Zipf fit.</param>
    /// <param name="HeapsMinWords">The Heaps fit starts at this many words read.</param>
    /// <param name="TopSources">Rows of the per-source table.</param>
    public sealed record Settings(int ZipfMinRank = 10, int ZipfMaxRank = 10_000, long ZipfMinCount = 5, long HeapsMinWords = 1000,
        int TopSources = 15);

    public static CorpusFits Write(Report report, Action<string, byte[], string> image, CorpusStatistics s, Settings settings)
    {
        if (s.Documents == 0) throw new InputException("the corpus has no documents to analyse");
        double docs = s.Documents;
        report.Heading("Sizes");
        report.Table(["documents", "characters", "words", "tokens", "non-blank lines", "word types", "mean characters / doc",
            "mean words / doc", "mean tokens / doc"],
            [[N(s.Documents), N(s.Chars), N(s.Words), s.Tokens > 0 ? N(s.Tokens) : "—", N(s.Lines), N(s.Vocabulary),
              F(s.Chars / docs, "0.0"), F(s.Words / docs, "0.0"), s.Tokens > 0 ? F(s.Tokens / docs, "0.0") : "—"]]);
        image("lengths", CorpusAnalysisPlots.Lengths(s).GetImageBytes(800, 450, ScottPlot.ImageFormat.Png), "Document lengths (log scale)");
        long runes = s.CharacterClassCounts.Sum();
        report.Table(["character class", "count", "share"],
            Enum.GetValues<CharacterClass>()
                .Select(c => new[] { c.ToString(), N(s.CharacterClassCounts[(int)c]), Pct(s.CharacterClassCounts[(int)c], runes) }),
            "Characters by Unicode class (per scalar value)");

        // Zipf over word types and over tokens, each fitted on its own grid of ranks.
        report.Heading("Zipf's law");
        var words = s.TypeFrequencies();
        var zWords = PowerLawFit.Zipf(words, settings.ZipfMinRank, settings.ZipfMaxRank, settings.ZipfMinCount);
        var series = new List<(string, long[], PowerLawFit, int, int)> { ("word types", words, zWords, settings.ZipfMinRank,
            ZipfEnd(words, settings)) };
        var tokens = s.TokenFrequencies();
        PowerLawFit? zTokens = null;
        if (tokens.Length > settings.ZipfMinRank + 1 && ZipfEnd(tokens, settings) > settings.ZipfMinRank)
        {
            zTokens = PowerLawFit.Zipf(tokens, settings.ZipfMinRank, settings.ZipfMaxRank, settings.ZipfMinCount);
            series.Add(("tokens", tokens, zTokens, settings.ZipfMinRank, ZipfEnd(tokens, settings)));
        }
        string tokenFit = zTokens is null
            ? "." : string.Create(C, $", tokens s = {-zTokens.Exponent:0.000} (R² {zTokens.RSquared:0.000}).");
        string top = string.Join(", ", s.TopTypes(12).Select(t => string.Create(C, $"{t.Type} ({t.Count:N0})")));
        report.Paragraph(string.Create(C, $"Least squares of ln(frequency) on ln(rank) over ranks {settings.ZipfMinRank:N0} to " +
            $"{ZipfEnd(words, settings):N0} (types seen at least {settings.ZipfMinCount} times, ranks on a log grid so that every decade " +
            $"weighs the same): word types s = {-zWords.Exponent:0.000} (R² {zWords.RSquared:0.000}){tokenFit} Natural-language text " +
            $"gives s ≈ 1 (Zipf 1935); the most frequent types here: {top}."));
        image("zipf", CorpusAnalysisPlots.Zipf(series).GetImageBytes(800, 500, ScottPlot.ImageFormat.Png),
            "Rank–frequency on log–log axes with the fitted lines");

        report.Heading("Heaps' law");
        var first = s.FirstPositions();
        var curve = PowerLawFit.HeapsCurve(first, s.TypeOccurrences, settings.HeapsMinWords);
        var heaps = PowerLawFit.Heaps(first, s.TypeOccurrences, settings.HeapsMinWords);
        report.Paragraph(string.Create(C, $"Vocabulary V(n) after n words, fitted from n = {settings.HeapsMinWords:N0} to " +
            $"{s.TypeOccurrences:N0}: V = {heaps.Coefficient:0.00} · n^{heaps.Exponent:0.000} (R² {heaps.RSquared:0.000}). English text " +
            $"typically gives β between 0.4 and 0.6 (Heaps 1978); a corpus of identifiers and code keeps " +
            $"meeting new types and grows faster."));
        image("heaps", CorpusAnalysisPlots.Heaps(curve, heaps).GetImageBytes(800, 500, ScottPlot.ImageFormat.Png),
            "Vocabulary growth with the fitted Heaps line");

        QualityTables(report, image, s);
        Languages(report, image, s);
        Sources(report, s, settings.TopSources);
        return new CorpusFits(zWords, zTokens, heaps);
    }

    static void QualityTables(Report report, Action<string, byte[], string> image, CorpusStatistics s)
    {
        report.Heading("Quality signals and the published filters");
        report.Paragraph("Each histogram is one document-level signal; the red dashed lines are the thresholds of the published filter " +
            "(Gopher: Rae et al. 2021, appendix A and table A1; C4: Raffel et al. 2020 §2.2 and TFDS c4_utils; FineWeb: Penedo et al. " +
            "2024). Values outside a histogram's range are counted in its first or last bin.");
        for (int f = 0; f < QualityRules.Families.Count; f++)
        {
            string family = QualityRules.Families[f];
            var rules = Enumerable.Range(0, QualityRules.All.Count).Where(i => QualityRules.All[i].Family == family
                && QualityRules.All[i].Bins is not null).ToList();
            int columns = rules.Count <= 4 ? 2 : 3, rows = (rules.Count + columns - 1) / columns;
            string name = "quality-" + family.ToLowerInvariant().Replace(' ', '-');
            image(name, CorpusAnalysisPlots.RuleGrid(s, rules, columns, 420 * columns, 300 * rows),
                $"{family} signals with their thresholds");
        }
        var rows2 = new List<string[]>();
        for (int i = 0; i < QualityRules.All.Count; i++)
        {
            var r = QualityRules.All[i];
            string examples = string.Join(" ",
                s.Examples(i).Select((e, k) => $"({k + 1}) {Md(e.DocumentId)} [{F(e.Value, "0.###")}]: “{Md(e.Snippet)}”"));
            rows2.Add([r.Family, r.Signal, r.Condition, r.Source, N(s.Removed(i)), Pct(s.Removed(i), s.Documents), examples]);
        }
        for (int f = 0; f < QualityRules.Families.Count; f++)
            rows2.Add([QualityRules.Families[f], "**any rule of the family**", "", "", N(s.RemovedByFamily(f)),
                Pct(s.RemovedByFamily(f), s.Documents), ""]);
        rows2.Add(["all", "**any rule**", "", "", N(s.RemovedByAny), Pct(s.RemovedByAny, s.Documents), ""]);
        report.Table(["family", "signal", "removes", "threshold from", "documents", "share", "first examples (signal value)"], rows2,
            "What each filter would remove from this corpus");
        report.Paragraph(string.Create(C, $"C4 also cleans inside the documents it keeps: of {s.Lines:N0} non-blank lines, its line " +
            $"rules (terminal punctuation, ≥ {QualityRules.C4MinWordsPerLine} words, no \"javascript\", no policy notice) keep " +
            $"{s.C4KeptLines:N0} ({Pct(s.C4KeptLines, s.Lines)})."));
    }

    static void Languages(Report report, Action<string, byte[], string> image, CorpusStatistics s)
    {
        if (s.Languages.Count == 0) return;
        report.Heading("Language mix");
        var mix = s.Languages.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value)).ToList();
        report.Table(["language", "documents", "share"], mix.Select(m => new[] { m.Key, N(m.Value), Pct(m.Value, s.Documents) }),
            $"Language of each document's first {s.Options.LanguageChars} characters ({LanguageIdentifier.Undetermined}: fewer than " +
            $"{LanguageIdentifier.MinGrams} known n-grams)");
        image("languages", CorpusAnalysisPlots.LanguageMix(mix, s.Documents).GetImageBytes(700, 400, ScottPlot.ImageFormat.Png),
            "Share of documents per identified language");
    }

    static void Sources(Report report, CorpusStatistics s, int top)
    {
        report.Heading("Per source");
        var rows = s.Sources.OrderByDescending(kv => kv.Value.Documents).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top)
            .Select(kv => new[]
            {
                Md(kv.Key), N(kv.Value.Documents), N(kv.Value.Chars), F(kv.Value.Words / (double)kv.Value.Documents, "0.0"),
                s.Tokens > 0 ? F(kv.Value.Tokens / (double)kv.Value.Documents, "0.0") : "—", Pct(kv.Value.Removed, kv.Value.Documents),
                s.Languages.Count > 0 ? Pct(kv.Value.English, kv.Value.Documents) : "—",
            });
        report.Table(["source", "documents", "characters", "words / doc", "tokens / doc", "removed by any rule", "English"], rows,
            $"The {Math.Min(top, s.Sources.Count)} largest of {s.Sources.Count:N0} sources, by documents");
    }

    static int ZipfEnd(long[] f, Settings settings)
    {
        int last = 0;
        while (last < f.Length && f[last] >= settings.ZipfMinCount) last++;
        return Math.Min(last, settings.ZipfMaxRank);
    }

    static string Md(string s) => s.Replace("`", "'").Replace("\n", " ");
    static string N(long v) => v.ToString("N0", C);
    static string F(double v, string format) => v.ToString(format, C);
    static string Pct(long part, long whole) => whole == 0 ? "—" : (part / (double)whole).ToString("P1", C);
}
