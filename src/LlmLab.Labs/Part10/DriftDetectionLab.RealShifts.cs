using LlmLab.Labs.Framework;
using LlmLab.Retrieval.Embeddings;
using LlmLab.Text;

namespace LlmLab.Labs.Part10;

public sealed partial class DriftDetectionLab
{
    /// <summary>Section 2: real shifts (SpamAssassin's later collections, the default corpus by source) and their random-split
    /// controls.</summary>
    static void RealShifts(LabContext ctx, DriftDetectionConfig cfg, OnnxSentenceEncoder encoder)
    {
        ctx.Report.Heading("2. Real shifts");
        ctx.Report.Paragraph("Univariate: Evidently's default tests on per-text features (" + string.Join(", ", Monitoring.Drift.TextFeatures.Columns) +
            "), dataset drift when ≥ 50 % of them drift. Multivariate: MMD² with an RBF kernel (median heuristic) and a permutation test, " +
            $"and a logistic-regression classifier two-sample test (drift when the held-out ROC AUC > 0.55), both on all-MiniLM-L6-v2 embeddings " +
            $"of the first {cfg.EmbeddedTexts} texts per side. Each shift is shown beside a control: one population split at random.");
        SpamAssassin(ctx, cfg, encoder);
        DefaultCorpus(ctx, cfg, encoder);
    }

    const int MinTextsForMildShift = 100;

    static void SpamAssassin(LabContext ctx, DriftDetectionConfig cfg, OnnxSentenceEncoder encoder)
    {
        var corpus = SpamAssassinCorpus.TryOpen(["easy-ham-1", "easy-ham-2", "spam-1", "spam-2"]);
        if (corpus is null)
        {
            ctx.Checks.KnownAnswer("SpamAssassin public corpus, npm " + SpamAssassinCorpus.Package).Unavailable(
                "the SpamAssassin corpus is installed", "installed", $"not found in {SpamAssassinCorpus.DefaultFolder}: run '{SpamAssassinCorpus.InstallCommand}' " +
                $"(.ci/run does) or set {SpamAssassinCorpus.EnvironmentVariable}");
            ctx.Report.Paragraph($"**SpamAssassin corpus missing**: install it with `{SpamAssassinCorpus.InstallCommand}`.");
            return;
        }
        var rng = ctx.Rng("spam-assassin");
        List<string> Texts(string group, int n) => corpus.Sample(group, n, rng).Select(d => d.Text).ToList();
        int n = cfg.MessagesPerGroup;
        var ham1 = Texts("easy-ham-1", 2 * n);
        var control = Compare(ctx, cfg, encoder, "easy-ham-1: random halves (control)", ham1[..n], ham1[n..]);
        var ham = Compare(ctx, cfg, encoder, "easy-ham-1 → easy-ham-2 (later)", ham1[..n], Texts("easy-ham-2", n));
        var spam = Compare(ctx, cfg, encoder, "spam-1 → spam-2 (later)", Texts("spam-1", n), Texts("spam-2", n));
        var kind = Compare(ctx, cfg, encoder, "easy-ham-1 → spam-1 (other population)", ham1[..n], Texts("spam-1", n));
        ctx.Report.Heading("SpamAssassin: earlier vs later collections", 3);
        ctx.Report.Paragraph($"{n} message bodies per side (headers removed: their dates would make any shift trivial), drawn at random.");
        Table(ctx, [control, ham, spam, kind], "SpamAssassin public corpus (Apache SpamAssassin, 2002–2003; npm " + SpamAssassinCorpus.Package + ")");
        Controls(ctx, control, "easy-ham-1 split at random");
        var later = ctx.Checks.KnownAnswer("SpamAssassin's README: spam_2 was collected later than spam (a dated shift)");
        const string LaterName = "the later spam collection is detected (MMD or classifier on embeddings)";
        // A mild shift: with a few dozen texts per side neither test has the power to see it (the smoke profile's AUC is noise ±0.1).
        if (cfg.EmbeddedTexts < MinTextsForMildShift)
            later.Skip(LaterName, "drift", $"{cfg.EmbeddedTexts} embedded texts per side is too few for a mild shift (≥ {MinTextsForMildShift}): run --profile quick");
        else later.True(LaterName, spam.Mmd.Drifted || spam.Classifier.Drifted, $"MMD p = {F(spam.Mmd.PValue)}, AUC = {F(spam.Classifier.Auc)}");
        ctx.Checks.KnownAnswer("ham and spam are different populations").True("ham vs spam is detected by all three tests",
            kind.Univariate.DatasetDrift && kind.Mmd.Drifted && kind.Classifier.Drifted,
            $"{kind.Univariate.DriftedColumns}/{kind.Univariate.Columns.Count} columns, MMD p = {F(kind.Mmd.PValue)}, AUC = {F(kind.Classifier.Auc)}");
        ctx.Report.Headline("spam-1 → spam-2", $"MMD p {F(spam.Mmd.PValue)}, AUC {F(spam.Classifier.Auc)}");
    }

    static void DefaultCorpus(LabContext ctx, DriftDetectionConfig cfg, OnnxSentenceEncoder encoder)
    {
        int n = cfg.DocumentsPerSource;
        // The first two sources (assemblies of the SDK docs) with 2n and n documents, read in corpus order.
        var bySource = new Dictionary<string, List<string>>();
        string? a = null, b = null;
        foreach (var doc in ctx.Corpus.Read())
        {
            var list = bySource.TryGetValue(doc.Source, out var l) ? l : bySource[doc.Source] = [];
            list.Add(doc.Text);
            if (a is null && list.Count >= 2 * n) a = doc.Source;
            else if (a is not null && doc.Source != a && list.Count >= n) { b = doc.Source; break; }
        }
        if (a is null || b is null)
        {
            ctx.Checks.KnownAnswer("a corpus with two sources").Unavailable("the corpus has two sources large enough", $"{2 * n} and {n} documents",
                $"corpus '{ctx.Corpus.Name}' has no two such sources: lower --set documents_per_source");
            return;
        }
        var rng = ctx.Rng("corpus-split");
        var pool = bySource[a].Take(2 * n).ToArray();
        rng.Shuffle(pool);
        var control = Compare(ctx, cfg, encoder, $"{a}: random halves (control)", pool[..n], pool[n..]);
        var shift = Compare(ctx, cfg, encoder, $"{a} → {b}", pool[..n], bySource[b].Take(n).ToList());
        ctx.Report.Heading($"The default corpus ({ctx.Corpus.Name}) split by source", 3);
        Table(ctx, [control, shift], $"{n} documents per side");
        Controls(ctx, control, $"{a} split at random");
    }

    /// <summary>On one population split at random nothing should drift: the univariate rule and the MMD test must stay quiet.</summary>
    static void Controls(LabContext ctx, Comparison control, string what)
    {
        ctx.Checks.KnownAnswer(what + ": one population, no shift").True("no dataset drift on a random split (Evidently's rule)",
            !control.Univariate.DatasetDrift, $"{control.Univariate.DriftedColumns}/{control.Univariate.Columns.Count} columns drifted");
        ctx.Checks.KnownAnswer(what + ": one population, no shift").True("MMD finds no drift on a random split (p ≥ 0.05)",
            !control.Mmd.Drifted, $"p = {F(control.Mmd.PValue)}, AUC = {F(control.Classifier.Auc)}");
    }
}
