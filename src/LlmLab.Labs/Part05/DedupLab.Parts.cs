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
        double t = cfg.Threshold, fp = banding.FalsePositiveArea(t), fn = banding.FalseNegativeArea(t);
        ctx.Report.Paragraph($"Over every b × r ≤ {cfg.Permutations}, the banding minimises {F(cfg.FalsePositiveWeight, "0.##")} · FP + " +
            $"{F(cfg.FalseNegativeWeight, "0.##")} · FN, FP = ∫₀^t P(s) ds and FN = ∫_t^1 (1 − P(s)) ds with t = {F(t, "0.##")} " +
            $"(datasketch's rule; its default weights are 0.5 / 0.5). The weights favour recall: every candidate is verified by its " +
            $"exact Jaccard, so a false positive costs only time, while a false negative is a duplicate left in the corpus. " +
            $"Chosen: {banding}, FP area {F(fp, "0.0000")}, FN area {F(fn, "0.0000")}; the S-curve's knee (1/b)^(1/r) = " +
            $"{F(banding.Knee)}, P(candidate) at the threshold {F(banding.Probability(t))}, at J = 0.9 {F(banding.Probability(0.9))}.");
        // The expectation is datasketch's rule evaluated independently of LshParameters (the code under test).
        var (b, r, best) = DatasketchOptimum(t, cfg.Permutations, cfg.FalsePositiveWeight, cfg.FalseNegativeWeight);
        double mine = Weighted(banding.Bands, banding.Rows, t, cfg.FalsePositiveWeight, cfg.FalseNegativeWeight);
        string weights = $"{F(cfg.FalsePositiveWeight, "0.##")} / {F(cfg.FalseNegativeWeight, "0.##")}";
        ctx.Checks.Peer("datasketch's _optimal_param rule, evaluated independently")
            .True($"b × r = datasketch's rule at weights {weights} " +
            "(brute force: every b·r ≤ k, integrals by the midpoint rule at step 0.001, datasketch's fallback)",
            // A different b × r passes only as a tie within the two quadratures' error (~1e-6; neighbours differ by ~1e-3).
            (b, r) == (banding.Bands, banding.Rows) || mine <= best + 1e-5,
            $"{banding} (brute force: {b} bands × {r} rows; weighted error {F(mine, "0.000000")} vs {F(best, "0.000000")})");
        var weightRows = new[] { (0.5, 0.5), (0.2, 0.8), (0.1, 0.9), (cfg.FalsePositiveWeight, cfg.FalseNegativeWeight), (0.02, 0.98) };
        var rows = weightRows.Distinct().Select(w =>
        {
            var p = LshParameters.Optimal(t, cfg.Permutations, w.Item1, w.Item2);
            return new[] { $"{F(w.Item1, "0.0#")} / {F(w.Item2, "0.0#")}", p.ToString(), F(p.FalsePositiveArea(t), "0.0000"),
                F(p.FalseNegativeArea(t), "0.0000"), F(p.Probability(t)), F(MeanProbability(p, t, Math.Min(1, t + 0.05))) };
        });
        ctx.Report.Table(["weights FP / FN", "b × r", "FP area", "FN area", "P(candidate) at t", "mean P over [t, t + 0.05)"], rows,
            "the weights move the knee: favouring recall lowers it");
        var datasketch = LshParameters.Optimal(t, cfg.Permutations);
        var js = Enumerable.Range(0, 11).Select(i => 0.5 + 0.05 * i).ToList();
        ctx.Report.Table(["J", .. js.Select(j => F(j, "0.00"))],
        [
            [$"{banding} (chosen)", .. js.Select(j => F(banding.Probability(j)))],
            [$"{datasketch} (weights 0.5 / 0.5)", .. js.Select(j => F(datasketch.Probability(j)))],
        ], "the S-curve: P(candidate | J) = 1 − (1 − J^r)^b");
    }

    /// <summary>datasketch's MinHashLSH parameter rule written out independently of <see cref="LshParameters"/>: b outer,
    /// r inner, the first strict minimum of w_fp·FP + w_fn·FN, each area integrated by the midpoint rule at step 0.001
    /// (datasketch's own integration when SciPy is absent). Returns the choice and its weighted error.</summary>
    static (int B, int R, double Error) DatasketchOptimum(double t, int k, double wfp, double wfn)
    {
        (int, int, double) best = (0, 0, double.PositiveInfinity);
        for (int b = 1; b <= k; b++)
            for (int r = 1; r <= k / b; r++)
            {
                double e = Weighted(b, r, t, wfp, wfn);
                if (e < best.Item3) best = (b, r, e);
            }
        return best;
    }

    static double Weighted(int b, int r, double t, double wfp, double wfn)
    {
        double P(double s) => 1 - Math.Pow(1 - Math.Pow(s, r), b);
        return wfp * Midpoint(P, 0, t) + wfn * Midpoint(s => 1 - P(s), t, 1);
    }

    static double Midpoint(Func<double, double> f, double a, double b)
    {
        int n = (int)Math.Ceiling((b - a) / 0.001 - 1e-9);
        double h = (b - a) / n, sum = 0;
        for (int i = 0; i < n; i++) sum += f(a + (i + 0.5) * h);
        return sum * h;
    }

    /// <summary>The S-curve's mean over [a, b): the expected candidate rate of pairs spread evenly over that range.</summary>
    static double MeanProbability(LshParameters p, double a, double b) =>
        b <= a ? p.Probability(a) : Midpoint(p.Probability, a, b) / (b - a);

    DedupClusters Corpus(LabContext ctx, DocumentList slice, DedupOptions options, string tmp)
    {
        ctx.Report.Heading($"The pipeline on {slice.Name}");
        var results = new List<DedupResult>();
        var timings = new List<string[]>();
        foreach (int threads in new[] { 1, options.Threads })
        {
            string dir = Path.Combine(tmp, $"corpus-{threads}");
            var r = DedupPipeline.Run(slice, Path.Combine(dir, "work"), Path.Combine(dir, "kept.jsonl"),
                options with { Threads = threads });
            results.Add(r);
            double seconds = r.Signatures!.Seconds + r.Buckets!.Seconds + r.Clusters!.Seconds;
            timings.Add([threads.ToString(), F(r.Signatures.Seconds), F(r.Buckets.Seconds), F(r.Clusters.Seconds), F(r.Filter!.Seconds),
                (slice.Documents.Count / seconds).ToString("N0"), F(r.Signatures.Bytes / 1e6 / seconds, "0.00")]);
            ctx.Metrics.Log(new { part = "throughput", threads, documents = slice.Documents.Count, bytes = r.Signatures.Bytes,
                signatures_s = r.Signatures.Seconds, buckets_s = r.Buckets.Seconds, clusters_s = r.Clusters.Seconds,
                filter_s = r.Filter.Seconds });
        }
        var (one, many) = (results[0], results[^1]);
        var d = many.Decisions!;
        ctx.Checks.SelfConsistency("the single-threaded run")
            .True($"cluster ids and decisions identical with 1 and {options.Threads} threads",
            one.Decisions!.Cluster.SequenceEqual(d.Cluster) && one.Decisions.Reason.SequenceEqual(d.Reason),
                $"{d.Count:N0} documents compared");
        long n = d.Count, exact = d.Removed(DedupReason.Exact), near = d.Removed(DedupReason.Near);
        // Exact dedup compares 128-bit hashes of the normalised texts; brute force compares the texts themselves.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long equalTexts = slice.Documents.LongCount(doc => !seen.Add(TextNormalizer.Normalize(doc.Text, options.Normalization)));
        ctx.Checks.BruteForce("string comparison of the normalised texts")
            .Equal("exact duplicates removed = documents whose normalised text equals an earlier one's (string comparison)",
            exact, equalTexts);
        ctx.Report.Table(["stage", "documents", "share"],
        [
            ["read", n.ToString("N0"), "100%"],
            ["removed as exact duplicates (normalised text hash)", exact.ToString("N0"), F(exact / (double)n, "0.0%")],
            ["removed as near-duplicates (verified J ≥ threshold)", near.ToString("N0"), F(near / (double)n, "0.0%")],
            ["kept", (n - exact - near).ToString("N0"), F((n - exact - near) / (double)n, "0.0%")],
        ], $"{d.CandidatePairs:N0} LSH candidate pairs, {d.VerifiedPairs:N0} verified; {d.MultiMemberClusters():N0} clusters of 2 or more");
        ctx.Metrics.Log(new { part = "corpus", documents = n, exact_removed = exact, near_removed = near, candidates = d.CandidatePairs,
            verified = d.VerifiedPairs });
        string Shown(DedupExampleMember m) => $"`{m.Id}` ({m.Reason.ToString().ToLowerInvariant()}): {Cut(m.Snippet)}";
        var examples = many.Filter!.Largest.Take(3).SelectMany(e => e.Removed.Take(1).Select(m => (e.Size, Other: e.Kept, Removed: m)))
            .Concat(many.Filter.Borderline.Take(3).Select(p => (p.Size, Other: p.Partner, p.Removed)))
            .Select(e => new[] { e.Size.ToString("N0"), Shown(e.Other), $"{Shown(e.Removed)} J = {F(e.Removed.Similarity)}" });
        ctx.Report.Table(["cluster size", "kept (largest) or partner (closest; kept or removed)", "removed"], examples,
            "the three largest clusters with their kept document, then the three removals closest to the threshold with the partner " +
            "that explains each");
        ctx.Report.Table(["threads", "signatures s", "buckets s", "clusters s", "filter s", "docs/s (3 stages)", "MB/s"], timings,
            "throughput on this machine (not a check: `llmlab bench dedup` measures it properly)");
        return d;
    }

    static string Cut(string s) => s.Length <= 120 ? s : s[..120] + "…";

    DedupQuality Quality(LabContext ctx, DocumentList sample, DedupOptions options, string dir, List<string[]> rows,
        List<(string, IReadOnlyList<JaccardBin>)> bins)
    {
        var q = DedupEvaluation.Measure(sample, Path.Combine(dir, "work"), options, binsFrom: 0.5);
        rows.Add([sample.Name, q.Documents.ToString("N0"), q.TruePairs.ToString("N0"), q.FoundPairs.ToString("N0"), F(q.Precision),
            F(q.Recall), F(q.F1)]);
        bins.Add((sample.Name, q.Bins));
        ctx.Metrics.Log(new { part = "quality", sample = sample.Name, documents = q.Documents, true_pairs = q.TruePairs,
            found_pairs = q.FoundPairs,
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
        curve.LegendText = $"{banding} (weights {cfg.FalsePositiveWeight:0.##} / {cfg.FalseNegativeWeight:0.##})";
        var alt = LshParameters.Optimal(cfg.Threshold, cfg.Permutations);
        var other = plot.Add.Scatter(xs, xs.Select(alt.Probability).ToArray(), Colors.Gray);
        other.MarkerSize = 0;
        other.LinePattern = LinePattern.Dashed;
        other.LegendText = $"{alt.Bands} × {alt.Rows} (datasketch's weights 0.5 / 0.5)";
        var t = plot.Add.VerticalLine(cfg.Threshold, 1.5f, Colors.Red, LinePattern.Dotted);
        t.LegendText = $"threshold {cfg.Threshold:0.##}";
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < observed.Count; k++)
        {
            var pts = observed[k].Bins.Where(b => b.Pairs > 0).ToList();
            if (pts.Count == 0) continue;
            var s = plot.Add.Scatter(pts.Select(b => (b.From + b.To) / 2).ToArray(), pts.Select(b => b.Candidates / (double)b.Pairs)
                .ToArray(), palette.GetColor(k + 2));
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
