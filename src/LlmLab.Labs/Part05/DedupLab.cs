using System.Globalization;
using LlmLab.Data.Dedup;
using LlmLab.Labs.Framework;
using LlmLab.Text;

namespace LlmLab.Labs.Part05;

/// <summary>
/// Lab 5.1 — a deduplication pipeline, exact and near-duplicate (datatrove's MinHash stages; Lee et al. 2022). Runs
/// the pipeline on a slice of the corpus (the SDK docs: overloads are natural near-duplicates), on a planted set with
/// known Jaccard similarities and on Debian's fortune files (a failing check names the package when it is absent);
/// reports what each stage removed and example clusters; draws the LSH S-curve of the chosen b × r with the candidate
/// rate observed per similarity bin; and measures precision, recall and F1 of the near-dup pairs against brute force
/// (every pair's exact Jaccard). Throughput at 1 and all threads is reported, not checked.
/// </summary>
public sealed partial class DedupLab : Lab<DedupLabConfig>
{
    protected override string Id => "5.1";

    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public override DedupLabConfig Defaults(Profile profile) => DedupLabConfig.For(profile);

    protected override void Validate(DedupLabConfig cfg)
    {
        ConfigRules.AtLeast("corpus_documents", cfg.CorpusDocuments, 10);
        ConfigRules.InRange("sample_documents", cfg.SampleDocuments, 10, 20_000);
        ConfigRules.InRange("threshold", cfg.Threshold, 0.05, 0.99);
        ConfigRules.InRange("shingle", cfg.Shingle, 1, 64);
        ConfigRules.InRange("permutations", cfg.Permutations, 1, 4096);
        ConfigRules.AtLeast("false_positive_weight", cfg.FalsePositiveWeight, 0);
        ConfigRules.AtLeast("false_negative_weight", cfg.FalseNegativeWeight, 0);
        ConfigRules.InRange("min_f1", cfg.MinF1, 0, 1);
        ConfigRules.InRange("planted_pairs", cfg.PlantedPairs, 50, 20_000);
        ConfigRules.InRange("min_planted_f1", cfg.MinPlantedF1, 0, 1);
        Options(cfg, 1).Validate();
    }

    static DedupOptions Options(DedupLabConfig cfg, int threads) => new()
    {
        Threshold = cfg.Threshold, ShingleSize = cfg.Shingle, Permutations = cfg.Permutations, Seed = (ulong)cfg.Seed,
        FalsePositiveWeight = cfg.FalsePositiveWeight, FalseNegativeWeight = cfg.FalseNegativeWeight, Threads = threads,
    };

    protected override void Plan(LabPlan plan, DedupLabConfig cfg)
    {
        // Without the package the fortunes section is a skipped check; with it, every file named must be there (Installed
        // would stop the run after the corpus part otherwise).
        if (cfg.FortuneFiles.Count > 0 && cfg.FortuneFiles is not ["all"] && FortuneSource.IsInstalled(cfg.FortunesFolder))
            FortuneSource.Installed(cfg.FortuneFiles, cfg.FortunesFolder);
    }

    public override void Run(LabContext ctx, DedupLabConfig cfg)
    {
        int threads = Math.Max(2, Environment.ProcessorCount);
        var options = Options(cfg, threads);
        var banding = options.Banding();
        string tmp = Directory.CreateTempSubdirectory("llmlab-lab51-").FullName;
        try
        {
            Banding(ctx, cfg, banding);
            var slice = DocumentList.Take(ctx.Corpus, cfg.CorpusDocuments);
            var corpusResult = Corpus(ctx, slice, options, tmp);
            var bins = new List<(string Name, IReadOnlyList<JaccardBin> Bins)>();
            var sample = new DocumentList($"{ctx.Corpus.Name} (first {Math.Min(cfg.SampleDocuments, slice.Documents.Count):N0})",
                slice.Documents.Take(cfg.SampleDocuments).ToList());
            var rows = new List<string[]>();
            var q = Quality(ctx, sample, options, Path.Combine(tmp, "sample"), rows, bins);
            ctx.Checks.BruteForce("all pairs' exact word-5-gram Jaccard")
                .AtLeast($"{sample.Name}: near-dup pairs at J ≥ {cfg.Threshold:0.##}, F1 vs brute force", q.F1, cfg.MinF1);
            Planted(ctx, cfg, options, banding, Path.Combine(tmp, "planted"), rows, bins);
            if (cfg.FortuneFiles.Count > 0)
            {
                if (!FortuneSource.IsInstalled(cfg.FortunesFolder))
                    ctx.Checks.Peer("Debian's fortunes package (real near-duplicates)")
                        .True("fortunes: Debian's 'fortunes' package is installed (its files are this section's test set; " +
                        "apt-get install fortunes)", false,
                        $"not installed: {cfg.FortunesFolder} has no fortune files, so the fortunes checks are not evaluated");
                else
                {
                    var fortunes = FortuneSource.Installed(cfg.FortuneFiles is ["all"] ? null : cfg.FortuneFiles, cfg.FortunesFolder);
                    var f = Quality(ctx,
                        new DocumentList($"fortunes ({cfg.FortuneFiles.Count switch { 1 => cfg.FortuneFiles[0], var k => $"{k} files" }})",
                        fortunes.Read().ToList()), options, Path.Combine(tmp, "fortunes"), rows, bins);
                    ctx.Checks.BruteForce("all pairs' exact word-5-gram Jaccard")
                        .AtLeast($"fortunes: near-dup pairs at J ≥ {cfg.Threshold:0.##}, F1 vs brute force (the issue's goal)", f.F1,
                            cfg.MinF1);
                    RateCheck(ctx, "fortunes: share of pairs with J ≥ 0.9 made candidates (the S-curve is ≥ 0.85 there)",
                        f.CandidateRate(0.9), 0.85);
                    ctx.Report.Headline("Near-dup F1 vs brute force (fortunes)",
                        $"{f.F1:0.000} (precision {f.Precision:0.000}, recall {f.Recall:0.000})");
                }
            }
            ctx.Report.Heading("Near-duplicate pairs against brute force");
            ctx.Report.Paragraph($"Every pair of each sample is compared by its exact Jaccard similarity (pairs the size " +
                $"bound J ≤ min/max excludes are skipped: still exact). True pairs: J ≥ {cfg.Threshold:0.##}. Found pairs: both " +
                "documents in one cluster after exact + near-dup dedup (what removal acts on). Candidates are verified by their true " +
                "Jaccard, so a found pair below the threshold can only come from a chain (A ~ B ~ C); a missed pair is one the " +
                "banding never made a candidate.");
            ctx.Report.Table(["sample", "documents", "true pairs", "found pairs", "precision", "recall", "F1"], rows);
            ctx.Plot("s-curve", SCurvePlot(banding, cfg, bins),
                $"P(candidate) = 1 − (1 − s^{banding.Rows})^{banding.Bands} with the candidate rate observed per similarity bin (pairs " +
                $"among documents that reached LSH)");
            ctx.Report.Headline("LSH banding",
                $"{banding.Bands} bands × {banding.Rows} rows for J ≥ {cfg.Threshold:0.##} ({cfg.Permutations} permutations)");
            ctx.Report.Headline($"Removed from {slice.Documents.Count:N0} documents",
                $"{corpusResult.Removed(DedupReason.Exact):N0} exact + {corpusResult.Removed(DedupReason.Near):N0} near duplicates");
        }
        finally { Directory.Delete(tmp, recursive: true); }
    }

    /// <summary>A candidate rate ≥ <paramref name="min"/>; a sample with no pair in the range fails as "not evaluated".</summary>
    static void RateCheck(LabContext ctx, string name, double? rate, double min)
    {
        var formula = ctx.Checks.Formula("the S-curve 1 − (1 − J^r)^b at J ≥ 0.9");
        if (rate is { } r) formula.AtLeast(name, r, min);
        else formula.Unavailable(name, $"≥ {min}", "not evaluated: the sample has no pair in that range");
    }

    static string F(double v, string fmt = "0.000") => v.ToString(fmt, C);
}
