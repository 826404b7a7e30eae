using LlmLab.Data.Dedup;
using LlmLab.Labs.Framework;
using LlmLab.Text;
using ScottPlot;

namespace LlmLab.Labs.Part05;

public sealed partial class DedupLab
{
    void Banding(LabContext ctx, DedupLabConfig cfg, LshParameters banding)
    {
        ctx.Report.Heading("Choosing b × r");
        double fp = banding.FalsePositiveArea(cfg.Threshold), fn = banding.FalseNegativeArea(cfg.Threshold);
        ctx.Report.Paragraph($"Over every b × r ≤ {cfg.Permutations}, the banding minimises {F(cfg.FalsePositiveWeight, "0.##")} · FP + " +
            $"{F(cfg.FalseNegativeWeight, "0.##")} · FN, FP = ∫₀^t P(s) ds and FN = ∫_t^1 (1 − P(s)) ds with t = {F(cfg.Threshold, "0.##")} " +
            $"(datasketch's rule and weights). Chosen: {banding}, FP area {F(fp, "0.0000")}, FN area {F(fn, "0.0000")}; the S-curve's knee " +
            $"(1/b)^(1/r) = {F(banding.Knee)}, P(candidate) at the threshold {F(banding.Probability(cfg.Threshold))}, at J = 0.9 " +
            $"{F(banding.Probability(0.9))}.");
        if (cfg.Threshold == 0.8 && cfg.Permutations == 128 && cfg.FalsePositiveWeight == 0.5 && cfg.FalseNegativeWeight == 0.5)
            ctx.Checks.True("b × r for J ≥ 0.8, 128 permutations = 9 × 13 (datasketch's rule, integrals in exact rational arithmetic)",
                (banding.Bands, banding.Rows) == (9, 13), banding.ToString());
        var rows = new[] { (0.5, 0.5), (0.2, 0.8), (0.8, 0.2) }.Select(w =>
        {
            var p = LshParameters.Optimal(cfg.Threshold, cfg.Permutations, w.Item1, w.Item2);
            return new[] { $"{F(w.Item1, "0.0")} / {F(w.Item2, "0.0")}", p.ToString(), F(p.FalsePositiveArea(cfg.Threshold), "0.0000"),
                F(p.FalseNegativeArea(cfg.Threshold), "0.0000"), F(p.Probability(cfg.Threshold)) };
        });
        ctx.Report.Table(["weights FP / FN", "b × r", "FP area", "FN area", "P(candidate) at t"], rows, "the weights move the knee: favouring recall lowers it");
    }

    DedupClusters Corpus(LabContext ctx, DocumentList slice, DedupOptions options, string tmp)
    {
        ctx.Report.Heading($"The pipeline on {slice.Name}");
        var results = new List<DedupResult>();
        var timings = new List<string[]>();
        foreach (int threads in new[] { 1, options.Threads })
        {
            string dir = Path.Combine(tmp, $"corpus-{threads}");
            var r = DedupPipeline.Run(slice, Path.Combine(dir, "work"), Path.Combine(dir, "kept.jsonl"), options with { Threads = threads });
            results.Add(r);
            double seconds = r.Signatures!.Seconds + r.Buckets!.Seconds + r.Clusters!.Seconds;
            timings.Add([threads.ToString(), F(r.Signatures.Seconds), F(r.Buckets.Seconds), F(r.Clusters.Seconds), F(r.Filter!.Seconds),
                (slice.Documents.Count / seconds).ToString("N0"), F(r.Signatures.Bytes / 1e6 / seconds, "0.00")]);
            ctx.Metrics.Log(new { part = "throughput", threads, documents = slice.Documents.Count, bytes = r.Signatures.Bytes,
                signatures_s = r.Signatures.Seconds, buckets_s = r.Buckets.Seconds, clusters_s = r.Clusters.Seconds, filter_s = r.Filter.Seconds });
        }
        var (one, many) = (results[0], results[^1]);
        var d = many.Decisions!;
        ctx.Checks.True($"cluster ids and decisions identical with 1 and {options.Threads} threads",
            one.Decisions!.Cluster.SequenceEqual(d.Cluster) && one.Decisions.Reason.SequenceEqual(d.Reason), $"{d.Count:N0} documents compared");
        long n = d.Count, exact = d.Removed(DedupReason.Exact), near = d.Removed(DedupReason.Near);
        ctx.Checks.InRange("documents removed as exact or near duplicates (SDK docs: inherited and overload texts)", (exact + near) / (double)n, 0.001, 0.6);
        ctx.Report.Table(["stage", "documents", "share"],
        [
            ["read", n.ToString("N0"), "100%"],
            ["removed as exact duplicates (normalised text hash)", exact.ToString("N0"), F(exact / (double)n, "0.0%")],
            ["removed as near-duplicates (verified J ≥ threshold)", near.ToString("N0"), F(near / (double)n, "0.0%")],
            ["kept", (n - exact - near).ToString("N0"), F((n - exact - near) / (double)n, "0.0%")],
        ], $"{d.CandidatePairs:N0} LSH candidate pairs, {d.VerifiedPairs:N0} verified; {d.MultiMemberClusters():N0} clusters of 2 or more");
        ctx.Metrics.Log(new { part = "corpus", documents = n, exact_removed = exact, near_removed = near, candidates = d.CandidatePairs, verified = d.VerifiedPairs });
        var examples = many.Filter!.Largest.Take(3).Concat(many.Filter.Borderline.Take(3))
            .SelectMany(e => e.Removed.Take(1).Select(m => new[] { e.Size.ToString("N0"), $"`{e.Kept.Id}`: {Cut(e.Kept.Snippet)}", $"`{m.Id}` ({m.Reason.ToString().ToLowerInvariant()}, J = {F(m.Similarity)}): {Cut(m.Snippet)}" }));
        ctx.Report.Table(["cluster size", "kept", "removed"], examples, "the three largest clusters, then the three removals closest to the threshold");
        ctx.Report.Table(["threads", "signatures s", "buckets s", "clusters s", "filter s", "docs/s (3 stages)", "MB/s"], timings,
            "throughput on this machine (not a check: `llmlab bench dedup` measures it properly)");
        return d;
    }

    static string Cut(string s) => s.Length <= 120 ? s : s[..120] + "…";

    DedupQuality Quality(LabContext ctx, DocumentList sample, DedupOptions options, string dir, List<string[]> rows,
        List<(string, IReadOnlyList<JaccardBin>)> bins)
    {
        var r = DedupPipeline.Run(sample, Path.Combine(dir, "work"), null, options);
        var shingles = sample.Documents.Select(d => Shingler.Shingles(TextNormalizer.Normalize(d.Text, options.Normalization), options.ShingleKind,
            options.ShingleSize)).ToList();
        var q = DedupEvaluation.Evaluate(shingles, r.Decisions!, DedupPipeline.CandidatePairs(Path.Combine(dir, "work")), options.Threshold,
            binsFrom: 0.5, threads: options.Threads);
        rows.Add([sample.Name, q.Documents.ToString("N0"), q.TruePairs.ToString("N0"), q.FoundPairs.ToString("N0"), F(q.Precision), F(q.Recall), F(q.F1)]);
        bins.Add((sample.Name, q.Bins));
        ctx.Metrics.Log(new { part = "quality", sample = sample.Name, documents = q.Documents, true_pairs = q.TruePairs, found_pairs = q.FoundPairs,
            correct_pairs = q.CorrectPairs, precision = q.Precision, recall = q.Recall, f1 = q.F1 });
        return q;
    }

    static Plot SCurvePlot(LshParameters banding, DedupLabConfig cfg, List<(string Name, IReadOnlyList<JaccardBin> Bins)> observed)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, 201).Select(i => i / 200.0).ToArray();
        var curve = plot.Add.Scatter(xs, xs.Select(banding.Probability).ToArray(), Colors.C0);
        curve.MarkerSize = 0;
        curve.LineWidth = 2;
        curve.LegendText = $"{banding.Bands} bands × {banding.Rows} rows";
        var alt = LshParameters.Optimal(cfg.Threshold, cfg.Permutations, 0.2, 0.8);
        var other = plot.Add.Scatter(xs, xs.Select(alt.Probability).ToArray(), Colors.Gray);
        other.MarkerSize = 0;
        other.LinePattern = LinePattern.Dashed;
        other.LegendText = $"{alt.Bands} × {alt.Rows} (weights FP 0.2 / FN 0.8)";
        var t = plot.Add.VerticalLine(cfg.Threshold, 1.5f, Colors.Red, LinePattern.Dotted);
        t.LegendText = $"threshold {cfg.Threshold:0.##}";
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < observed.Count; k++)
        {
            var pts = observed[k].Bins.Where(b => b.Pairs > 0).ToList();
            if (pts.Count == 0) continue;
            var s = plot.Add.Scatter(pts.Select(b => (b.From + b.To) / 2).ToArray(), pts.Select(b => b.Candidates / (double)b.Pairs).ToArray(), palette.GetColor(k + 2));
            s.LineWidth = 0;
            s.MarkerSize = 8;
            s.LegendText = $"observed: {observed[k].Name} ({pts.Sum(b => b.Pairs):N0} pairs ≥ 0.5)";
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.Title("LSH S-curve: probability that a pair becomes a candidate");
        plot.XLabel("Jaccard similarity s of the pair");
        plot.YLabel("P(candidate)");
        return plot;
    }
}
