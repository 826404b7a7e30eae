using LlmLab.Data.Dedup;
using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part05;

public sealed partial class DedupLab
{
    /// <summary>
    /// The planted set: base documents with one copy each, edited to a word-5-gram Jaccard drawn uniformly from
    /// 0.5–1.0 (<see cref="PlantedDuplicates"/>). Ground truth by brute force over every pair; the candidate rate per
    /// similarity bin is compared with the S-curve's prediction for the pairs in that bin.
    /// </summary>
    void Planted(LabContext ctx, DedupLabConfig cfg, DedupOptions options, LshParameters banding, string dir, List<string[]> rows,
        List<(string, IReadOnlyList<JaccardBin>)> bins)
    {
        var planted = PlantedDuplicates.Generate(cfg.PlantedPairs, (int)cfg.Seed, shingle: cfg.Shingle);
        var q = Quality(ctx, planted.Documents, options, dir, rows, bins);
        ctx.Checks.BruteForce("all pairs' exact word-5-gram Jaccard")
            .AtLeast($"planted set: near-dup pairs at J ≥ {cfg.Threshold:0.##}, F1 vs brute force (issue 13's goal)",
            q.F1, cfg.MinPlantedF1);
        // Only the planted pairs are similar (pseudo-words: unrelated documents share no 5-gram). Exact copies (J = 1) are
        // removed by exact dedup and so left out of the bins.
        ctx.Checks.KnownAnswer("the pairs planted by the generator")
            .Equal("planted set: pairs with 0.5 ≤ J < 1 by brute force on hashed shingles = planted pairs " +
            "(J measured on the 5-gram strings)", q.Bins.Sum(b => b.Pairs),
            planted.Pairs.LongCount(p => p.Jaccard >= 0.5 && p.Jaccard < 1));

        ctx.Report.Heading("Planted near-duplicates: recall per similarity bin");
        ctx.Report.Paragraph($"{cfg.PlantedPairs:N0} documents of random pseudo-words, each with one copy edited (single words and " +
            "rewritten passages) to a word-5-gram Jaccard drawn uniformly from 0.5–1.0; the similarity of each pair is measured " +
            "exactly on the 5-gram strings. A pair at or above the threshold is found when it becomes a candidate (then verified); " +
            "below it, a candidate is only verification work. Predicted: the S-curve averaged over the pairs of the bin.");
        var table = new List<string[]>();
        foreach (var bin in q.Bins)
        {
            var predicted = planted.Predicted(bin, banding);
            table.Add([$"[{F(bin.From, "0.00")}, {F(bin.To, "0.00")}{(bin.To >= 1 ? "]" : ")")}", bin.Pairs.ToString("N0"),
                bin.Candidates.ToString("N0"), bin.Pairs == 0 ? "—" : F(bin.Candidates / (double)bin.Pairs),
                predicted is { } pr ? F(pr.Mean) : "—", bin.From >= cfg.Threshold - 1e-9 ? "recall" : "extra verification"]);
            ctx.Metrics.Log(new { part = "planted_bin", from = bin.From, to = bin.To, pairs = bin.Pairs, candidates = bin.Candidates,
                predicted = predicted?.Mean });
        }
        ctx.Report.Table(["J", "pairs", "candidates", "candidate rate", "predicted (S-curve)", "meaning"], table,
            $"{banding}; F1 {F(q.F1)} (precision {F(q.Precision)}, recall {F(q.Recall)})");
        ctx.Report.Headline("Near-dup F1 on the planted set", $"{F(q.F1)} (recall {F(q.Recall)}; {banding})");

        // The bin just above the threshold, where the banding's choice matters most (issue 13: 0.60 with 9 × 13).
        var first = q.Bins.FirstOrDefault(b => b.From >= cfg.Threshold - 1e-9);
        string name = $"planted set: candidate rate just above the threshold, J in [{F(cfg.Threshold, "0.00")}, " +
            $"{F(cfg.Threshold + DedupEvaluation.BinWidth, "0.00")}), = the S-curve's mean over its pairs ± 3 sd + 0.02";
        if (first is not { Pairs: > 0 } || planted.Predicted(first, banding) is not { } expect)
            ctx.Checks.Formula("the S-curve 1 − (1 − J^r)^b")
                .Unavailable(name, "a candidate rate", "not evaluated: no planted pair in that bin");
        else ctx.Checks.Formula("the S-curve 1 − (1 − J^r)^b")
            .Close(name, first.Candidates / (double)first.Pairs, expect.Mean, 3 * expect.Sd + 0.02, relative: false);
    }
}
