using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Monitoring.Drift;
using LlmLab.Reporting;
using LlmLab.Retrieval.Embeddings;

namespace LlmLab.Labs.Part10;

/// <summary>
/// Lab 10.2 — drift detection. (1) Every statistic of <c>LlmLab.Monitoring</c> against SciPy's on committed goldens;
/// (2) real shifts: the SpamAssassin corpus's earlier and later collections, and the default corpus split by source,
/// each against a random split of one population (where nothing should drift), with Evidently's univariate tests on
/// text features, and MMD and a classifier two-sample test on MiniLM embeddings; (3) a shift injected at a known row
/// into a stream watched by a sliding window: detection delay and false-alarm rate, plotted. The logic is in
/// <c>LlmLab.Monitoring</c>.
/// </summary>
public sealed partial class DriftDetectionLab : Lab<DriftDetectionConfig>
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    // Embeddings of this run's texts, by text (Run clears it; labs run one at a time).
    static readonly Dictionary<string, float[]> Embeddings = new(StringComparer.Ordinal);

    protected override string Id => "10.2";

    public override DriftDetectionConfig Defaults(Profile profile) => DriftDetectionConfig.For(profile);

    protected override void Validate(DriftDetectionConfig cfg)
    {
        ConfigRules.AtLeast("messages_per_group", cfg.MessagesPerGroup, 20);
        ConfigRules.AtLeast("documents_per_source", cfg.DocumentsPerSource, 20);
        ConfigRules.AtLeast("embedded_texts", cfg.EmbeddedTexts, 8);
        ConfigRules.AtLeast("embed_chars", cfg.EmbedChars, 20);
        ConfigRules.AtLeast("permutations", cfg.Permutations, 10);
        ConfigRules.AtLeast("reference_rows", cfg.ReferenceRows, 20);
        ConfigRules.AtLeast("window", cfg.Window, 10);
        ConfigRules.AtLeast("step", cfg.Step, 1);
        ConfigRules.AtLeast("stream_rows", cfg.StreamRows, cfg.Window + 1);
        ConfigRules.InRange("onset", cfg.Onset, cfg.Window, cfg.StreamRows - 1);
        ConfigRules.InRange("injection_rate", cfg.InjectionRate, 0.0, 1.0);
    }

    public override void Run(LabContext ctx, DriftDetectionConfig cfg)
    {
        // Section times go to metrics.jsonl only (what a run cost; no check depends on them).
        void Timed(string section, Action run)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            run();
            ctx.Metrics.Log(new Dictionary<string, object?> { ["section"] = section, ["seconds"] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds });
        }
        Embeddings.Clear();
        Timed("goldens", () => CheckGoldens(ctx));
        using var encoder = OnnxSentenceEncoder.CreateMiniLm();
        Timed("real-shifts", () => RealShifts(ctx, cfg, encoder));
        Timed("injected-shift", () => InjectedShift(ctx, cfg));
        Embeddings.Clear();
    }

    /// <summary>One comparison of two samples of texts: univariate tests on their features, MMD and the classifier test on
    /// embeddings.</summary>
    sealed record Comparison(string Name, DriftReport Univariate, MmdResult Mmd, ClassifierTestResult Classifier);

    static Comparison Compare(LabContext ctx, DriftDetectionConfig cfg, OnnxSentenceEncoder encoder, string name, IReadOnlyList<string> a,
        IReadOnlyList<string> b)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var univariate = DriftDetector.Detect(TextFeatures.Table(a), TextFeatures.Table(b));
        double univariateSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        // Embeddings of the first EmbeddedTexts of each side (MiniLM truncates to its 256-token window anyway).
        // Each text is embedded once per run (a sample appears in several comparisons), cut to embed_chars first.
        float[][] Embed(IReadOnlyList<string> texts)
        {
            var cut = texts.Take(cfg.EmbeddedTexts).Select(t => t.Length > cfg.EmbedChars ? t[..cfg.EmbedChars] : t).ToList();
            var missing = cut.Where(t => !Embeddings.ContainsKey(t)).Distinct().ToList();
            if (missing.Count > 0) foreach (var (t, e) in missing.Zip(encoder.Embed(missing))) Embeddings[t] = e;
            return cut.Select(t => Embeddings[t]).ToArray();
        }
        long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
        var ea = Embed(a);
        var eb = Embed(b);
        double embedSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(t1).TotalSeconds;
        int seed = (int)ctx.Seed;
        var mmd = MaximumMeanDiscrepancy.Test(ea, eb, cfg.Permutations, seed);
        var classifier = ClassifierTwoSampleTest.Test(ea, eb, seed);
        ctx.Metrics.Log(new Dictionary<string, object?>
        {
            ["comparison"] = name, ["drifted_share"] = univariate.DriftedShare, ["mmd2"] = mmd.Mmd2, ["mmd_p"] = mmd.PValue, ["auc"] = classifier.Auc,
            ["univariate_seconds"] = univariateSeconds, ["embed_seconds"] = embedSeconds,
        });
        return new Comparison(name, univariate, mmd, classifier);
    }

    static void Table(LabContext ctx, IReadOnlyList<Comparison> rows, string caption)
    {
        ctx.Report.Table(["comparison", "columns drifted", "dataset drift", "MMD²", "MMD p", "classifier AUC"], rows.Select(r => new[]
        {
            r.Name, $"{r.Univariate.DriftedColumns}/{r.Univariate.Columns.Count} ({string.Join(", ", r.Univariate.Columns.Where(c => c.Drifted).Select(c => c.Column))})",
            r.Univariate.DatasetDrift ? "yes" : "no", r.Mmd.Mmd2.ToString("0.0000", C), r.Mmd.PValue.ToString("0.000", C), r.Classifier.Auc.ToString("0.000", C),
        }), caption);
    }

    static string F(double v) => v.ToString("G4", C);
}
