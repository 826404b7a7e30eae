using LlmLab.Reporting;
using System.Globalization;
using LlmLab.Data.Analysis;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Labs.Part05;

/// <summary>
/// Lab 5.2 — corpus distribution analysis: one streaming pass over the corpus on both cores (shards merged exactly)
/// measures document lengths, Zipf's and Heaps' laws, character classes, the Gopher, C4 and FineWeb quality signals
/// (histograms with the published thresholds, and what each filter would remove), the language mix (a character n-gram
/// naive-Bayes identifier whose held-out accuracy is measured here) and a per-source breakdown.
/// </summary>
public sealed class CorpusAnalysisLab : Lab<CorpusAnalysisConfig>
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    protected override string Id => "5.2";

    public override CorpusAnalysisConfig Defaults(Profile profile) => CorpusAnalysisConfig.For(profile);

    protected override void Validate(CorpusAnalysisConfig cfg)
    {
        ConfigRules.AtLeast("max_documents", cfg.MaxDocuments, 0);
        if (cfg.Tokenizer != "none" && PretrainedTokenizers.Get(cfg.Tokenizer) is null)
            throw new InputException($"--set tokenizer={cfg.Tokenizer}: use {PretrainedTokenizers.Names} or none");
        ConfigRules.InRange("workers", cfg.Workers, 1, 64);
        ConfigRules.AtLeast("block", cfg.Block, 1);
        ConfigRules.AtLeast("merge_check_documents", cfg.MergeCheckDocuments, 2);
        ConfigRules.AtLeast("zipf_min_rank", cfg.ZipfMinRank, 1);
        ConfigRules.AtLeast("zipf_max_rank", cfg.ZipfMaxRank, cfg.ZipfMinRank + 2);
        ConfigRules.AtLeast("zipf_min_count", cfg.ZipfMinCount, 1);
        ConfigRules.AtLeast("heaps_min_words", cfg.HeapsMinWords, 1);
        ConfigRules.AtLeast("lang_id_min_chars", cfg.LangIdMinChars, 1);
        ConfigRules.InRange("lang_id_min_accuracy", cfg.LangIdMinAccuracy, 0, 1);
        ConfigRules.InRange("examples_per_rule", cfg.ExamplesPerRule, 0, 20);
        ConfigRules.AtLeast("top_sources", cfg.TopSources, 1);
    }

    public override void Run(LabContext ctx, CorpusAnalysisConfig cfg)
    {
        // 1. The language identifier, measured on its held-out lines before it is used.
        var langId = LanguageIdentifier.Default;
        var eval = LanguageIdEvaluation.Run(langId, LanguageIdEvaluation.DefaultHeldOut(), cfg.LangIdMinChars);
        LanguageIdSection(ctx, eval, cfg);

        // 2. Merging shards equals one pass, on the first documents.
        var options = new AnalysisOptions(cfg.Tokenizer == "none" ? null : PretrainedTokenizers.Get(cfg.Tokenizer), langId,
            cfg.ExamplesPerRule);
        var sample = ctx.Corpus.Read().Take(cfg.MergeCheckDocuments).ToList();
        var onePass = new CorpusStatistics(options);
        foreach (var d in sample) onePass.Add(d);
        var halves = new CorpusStatistics(options);
        var second = new CorpusStatistics(options);
        foreach (var d in sample.Take(sample.Count / 2)) halves.Add(d);
        foreach (var d in sample.Skip(sample.Count / 2)) second.Add(d);
        halves.Merge(second);
        var blocks = CorpusAnalyzer.Analyze(sample, options, workers: Math.Max(2, cfg.Workers), block: 97);
        ctx.Checks.SelfConsistency("one pass over the same documents")
            .True($"statistics of two halves merged = one pass over {sample.Count:N0} documents", halves.SameAs(onePass),
            halves.SameAs(onePass) ? "identical (every count, histogram, type position, example)" : "different");
        ctx.Checks.SelfConsistency("one pass over the same documents")
            .True($"{Math.Max(2, cfg.Workers)} workers over blocks of 97 documents = one pass", blocks.SameAs(onePass),
            blocks.SameAs(onePass) ? "identical" : "different");

        // 3. The analysis itself: streamed, block by block, shards on the workers.
        IEnumerable<Document> docs = ctx.Corpus.Read();
        if (cfg.MaxDocuments > 0) docs = docs.Take(cfg.MaxDocuments);
        using (var bar = ctx.Progress.Begin($"5.2 analysing {ctx.Corpus.Name}", cfg.MaxDocuments > 0 ? cfg.MaxDocuments : 77_797))
        {
            long done = 0;
            var stats = CorpusAnalyzer.Analyze(docs, options, cfg.Workers, cfg.Block, n => { bar.Increment(n - done); done = n; });
            string scope = cfg.MaxDocuments > 0 ? string.Create(C, $" (max_documents = {cfg.MaxDocuments:N0})") : " (all)";
            ctx.Report.Paragraph(string.Create(C, $"Corpus `{ctx.Corpus.Name}`: the first {stats.Documents:N0} documents{scope}, read " +
                $"once and analysed in blocks of {cfg.Block} documents, each cut into {cfg.Workers} contiguous shards whose statistics " +
                $"are merged in corpus order. Words are whitespace-separated tokens with their end punctuation stripped; word types " +
                $"(Zipf, Heaps) are lower-cased runs of letters and digits; tokens are {cfg.Tokenizer}'s."));
            var fits = CorpusAnalysisReport.Write(ctx.Report, (name, png, caption) =>
            {
                AtomicFile.WriteAllBytes(Path.Combine(ctx.Directory, name + ".png"), png);
                ctx.Report.Image(name + ".png", caption);
            }, stats, new CorpusAnalysisReport.Settings(cfg.ZipfMinRank, cfg.ZipfMaxRank, cfg.ZipfMinCount, cfg.HeapsMinWords,
                cfg.TopSources));
            Record(ctx, stats, fits);
        }
    }

    static void Record(LabContext ctx, CorpusStatistics s, CorpusFits fits)
    {
        double zipf = -fits.ZipfWords.Exponent, beta = fits.Heaps.Exponent;
        // Zipf's exponent of natural-language word frequencies is close to 1 (Zipf 1935; Piantadosi 2014 reviews 0.8-1.3 across corpora).
        ctx.Checks.Published("Zipf 1949; Piantadosi 2014: s ≈ 1 for word frequencies")
            .InRange("Zipf exponent s of word types", zipf, 0.8, 1.3);
        // Heaps' β of natural text lies strictly between 0 and 1; 0.4-0.6 is typical of English, identifiers push it up.
        ctx.Checks.Published("Heaps 1978; Baeza-Yates & Navarro: β ≈ 0.4–0.6 for English").InRange("Heaps exponent β", beta, 0.3, 0.9);
        ctx.Report.Headline("documents", s.Documents.ToString("N0", C));
        ctx.Report.Headline("Zipf s (words)", zipf.ToString("0.000", C));
        ctx.Report.Headline("Heaps β", beta.ToString("0.000", C));
        ctx.Report.Headline("removed by any filter", (s.RemovedByAny / (double)s.Documents).ToString("P1", C));
        ctx.Metrics.Log(new
        {
            documents = s.Documents, chars = s.Chars, words = s.Words, tokens = s.Tokens, vocabulary = s.Vocabulary,
            zipf_s_words = zipf, zipf_s_tokens = fits.ZipfTokens is { } t ? -t.Exponent : (double?)null, zipf_r2 = fits.ZipfWords.RSquared,
            heaps_beta = beta, heaps_k = fits.Heaps.Coefficient, heaps_r2 = fits.Heaps.RSquared, removed_by_any = s.RemovedByAny,
            removed = QualityRules.All.Select((r, i) => new { rule = r.Id, documents = s.Removed(i) }).ToArray(),
            languages = s.Languages,
        });
    }

    static void LanguageIdSection(LabContext ctx, LanguageIdEvaluation eval, CorpusAnalysisConfig cfg)
    {
        ctx.Report.Heading("Language identifier");
        var id = LanguageIdentifier.Default;
        ctx.Report.Paragraph(string.Create(C, $"Multinomial naive Bayes over character 1-3-grams of padded, lower-cased words (Laplace " +
            $"smoothing, uniform prior), {id.Counts.Count:N0} n-grams for {id.Languages.Count} languages " +
            $"({string.Join(", ", id.Languages)}), trained by `llmlab data langid-train` on Debian's man pages (manpages and " +
            $"manpages-de/-es/-fr/-it/-nl/-pl/-pt-br/-ru/-sv; prose paragraphs only, untranslated English leftovers dropped). Evaluated " +
            $"on {eval.Lines:N0} held-out lines of ≥ {cfg.LangIdMinChars} characters from pages the model never " +
            $"saw: accuracy {eval.Accuracy:P2}."));
        var header = new List<string> { "true \\ guessed" };
        header.AddRange(eval.Languages);
        header.Add(LanguageIdentifier.Undetermined);
        header.Add("accuracy");
        var rows = eval.Languages.Select((l, t) =>
        {
            var row = new List<string> { l };
            for (int g = 0; g <= eval.Languages.Count; g++) row.Add(eval.Confusion[t, g] == 0 ? "·" : eval.Confusion[t, g].ToString(C));
            row.Add(eval.AccuracyOf(l).ToString("P1", C));
            return row.ToArray();
        });
        ctx.Report.Table(header.ToArray(), rows, "Held-out confusion (rows: true language)");
        ctx.Checks.KnownAnswer("held-out lines of known language")
            .AtLeast($"language identifier accuracy on {eval.Lines:N0} held-out lines of ≥ {cfg.LangIdMinChars} characters", eval.Accuracy,
                cfg.LangIdMinAccuracy);
        ctx.Report.Headline("language-id accuracy (held out)", eval.Accuracy.ToString("P1", C));
    }
}
