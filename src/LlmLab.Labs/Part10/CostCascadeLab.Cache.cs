using LlmLab.Labs.Framework;
using LlmLab.Monitoring.Caching;
using LlmLab.Retrieval.Embeddings;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LlmLab.Labs.Part10;

public sealed partial class CostCascadeLab
{
    internal static readonly double[] Thresholds = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0];

    /// <summary>One threshold's outcome on the probes (every probe but the bases).</summary>
    internal sealed record CachePoint(double Threshold, int Probes, int Hits, int FalseHits, int ParaphraseHits, int Paraphrases)
    {
        public double HitRate => (double)Hits / Probes;
        public double FalseHitRate => Hits == 0 ? 0 : (double)FalseHits / Hits;
        public double ParaphraseRecall => Paraphrases == 0 ? double.NaN : (double)ParaphraseHits / Paraphrases;
    }

    /// <summary>Section 1: the exact and semantic caches on the probe set.</summary>
    static void Caches(LabContext ctx, CostCascadeConfig cfg, OnnxSentenceEncoder encoder)
    {
        ctx.Report.Heading("1. Exact and semantic caches: hits and false hits");
        var probes = cfg.ProbeFile.Length > 0 ? CacheProbeSet.Load(cfg.ProbeFile) : CacheProbeSet.Generate(cfg.ProbeGroups, (int)ctx.Rng("probes").NextInt64(int.MaxValue));
        var bases = probes.Where(p => p.Kind == ProbeKind.Base).ToList();
        var asked = probes.Where(p => p.Kind != ProbeKind.Base).ToList();
        ctx.Report.Paragraph($"Probe set: {(cfg.ProbeFile.Length > 0 ? $"`{cfg.ProbeFile}`" : "generated")}, {bases.Count} groups; each base " +
            $"question is answered once (its true answer is cached), then the {asked.Count} other questions are asked: exact repeats " +
            "(spacing changed), paraphrases (same answer: a hit is right) and near misses — negations, changed numbers, other entities " +
            "(another answer: a hit is a **false hit**). A served answer is judged against the asked question's true answer.");
        const string scope = "key-lab";
        var baseOf = bases.ToDictionary(b => b.Group);

        // Exact cache.
        var exact = new ExactResponseCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), new ResponseCacheOptions());
        foreach (var b in bases) exact.SetAsync(CachedPrompt.Question(scope, "lab", b.Question), b.Answer, 0, 0, 0).GetAwaiter().GetResult();
        int exactHits = 0, exactFalse = 0;
        var byQuestion = bases.GroupBy(b => CachedPrompt.Normalize(b.Question)).ToDictionary(g => g.Key, g => g.First());
        foreach (var p in asked)
            if (exact.GetAsync(CachedPrompt.Question(scope, "lab", p.Question)).GetAwaiter().GetResult() is { } hit)
            {
                exactHits++;
                if (!string.Equals(CachedPrompt.Normalize(hit.Body), CachedPrompt.Normalize(p.Answer), StringComparison.OrdinalIgnoreCase)) exactFalse++;
            }
        // Repeats, and any probe that happens to be another group's base word for word (two groups may draw the same words).
        int same = asked.Count(p => byQuestion.ContainsKey(CachedPrompt.Normalize(p.Question)));
        ctx.Checks.BruteForce("every probe's normalised text against every cached question").Equal(
            "exact cache: hits = probes whose normalised text was cached", exactHits, same);
        ctx.Checks.KnownAnswer("the probe set's truth").Equal("exact cache: false hits", exactFalse, 0);

        // Semantic cache: one lookup per probe at threshold 0 gives the best entry and its similarity; a threshold t serves it when ≥ t.
        var semantic = new SemanticResponseCache(encoder, new ResponseCacheOptions { MaxEntries = Math.Max(1, bases.Count) });
        foreach (var b in bases)
        {
            var look = semantic.LookupAsync(CachedPrompt.Question(scope, "lab", b.Question), 0).GetAwaiter().GetResult()!;
            semantic.Add(look, b.Answer, 0, 0, 0);
        }
        var looks = asked.Select(p => (Probe: p, Look: semantic.LookupAsync(CachedPrompt.Question(scope, "lab", p.Question), 0).GetAwaiter().GetResult()!))
            .ToList();
        // Brute force: MiniLM's own embeddings, every probe against every base, the best by cosine.
        var baseVectors = encoder.Embed(bases.Select(b => CachedPrompt.Normalize(b.Question)).ToList());
        var askedVectors = encoder.Embed(asked.Select(p => CachedPrompt.Normalize(p.Question)).ToList());
        int agree = 0;
        double maxDiff = 0;
        for (int i = 0; i < asked.Count; i++)
        {
            var sims = baseVectors.Select(v => Cosine(askedVectors[i], v)).ToArray();
            int best = Array.IndexOf(sims, sims.Max());
            if (looks[i].Look.Best?.Body == bases[best].Answer && CachedPrompt.Normalize(looks[i].Look.Best!.Question) ==
                CachedPrompt.Normalize(bases[best].Question)) agree++;
            maxDiff = Math.Max(maxDiff, Math.Abs(sims[best] - looks[i].Look.Similarity));
        }
        ctx.Checks.BruteForce("every probe against every cached question, cosine of MiniLM embeddings").Equal(
            "semantic cache's best entry = the brute-force nearest question", agree, asked.Count);
        ctx.Checks.BruteForce("the same cosines").AtMost("semantic cache's similarity vs brute force, max |Δ|", maxDiff, 1e-5);
        int otherKey = asked.Count(p => semantic.LookupAsync(CachedPrompt.Question("key-other", "lab", p.Question), 0).GetAwaiter().GetResult()!.Best
            is not null);
        ctx.Checks.KnownAnswer("per-key isolation: nothing was cached under another key").Equal(
            "semantic hits for another API key at threshold 0", otherKey, 0);

        var points = Thresholds.Select(t =>
        {
            var hits = looks.Where(l => l.Look.Best is not null && l.Look.Similarity >= t).ToList();
            bool Right((CacheProbe Probe, SemanticLookup Look) l) =>
                string.Equals(CachedPrompt.Normalize(l.Look.Best!.Body), CachedPrompt.Normalize(l.Probe.Answer), StringComparison.OrdinalIgnoreCase);
            return new CachePoint(t, asked.Count, hits.Count, hits.Count(l => !Right(l)), hits.Count(l => l.Probe.Kind == ProbeKind.Paraphrase && Right(l)),
                asked.Count(p => p.Kind == ProbeKind.Paraphrase));
        }).ToList();
        ctx.Report.Table(["threshold", "hit rate", "false-hit rate (of hits)", "paraphrases served", "false hits"],
            points.Select(p => new[] { F(p.Threshold, "0.00"), Pct(p.HitRate), Pct(p.FalseHitRate), Pct(p.ParaphraseRecall), p.FalseHits.ToString(C) }),
            $"Semantic cache (MiniLM cosine) over {asked.Count} probes; exact cache: {exactHits} hits, {exactFalse} false");
        foreach (var p in points)
            ctx.Metrics.Log(new { section = "cache", threshold = p.Threshold, hit_rate = p.HitRate, false_hit_rate = p.FalseHitRate,
                paraphrase_recall = p.ParaphraseRecall });
        var kinds = Enum.GetValues<ProbeKind>().Where(k => k != ProbeKind.Base).ToArray();
        ctx.Report.Table(["kind", "probes", "mean similarity to its base", "min", "max"], kinds.Select(k =>
        {
            var sims = looks.Where(l => l.Probe.Kind == k && baseOf.ContainsKey(l.Probe.Group))
                .Select(l => Cosine(askedVectors[asked.IndexOf(l.Probe)], baseVectors[bases.IndexOf(baseOf[l.Probe.Group])])).ToList();
            return new[] { k.ToString().ToLowerInvariant(), sims.Count.ToString(C), sims.Count == 0 ? "—" : F(sims.Average(), "0.000"),
                sims.Count == 0 ? "—" : F(sims.Min(), "0.000"), sims.Count == 0 ? "—" : F(sims.Max(), "0.000") };
        }), "MiniLM cosine between each probe and its own group's base: near misses sit as close as paraphrases");
        var safe = points.Where(p => p.FalseHits == 0 && p.Hits > 0).MinBy(p => p.Threshold);
        ctx.Report.Headline("semantic cache", safe is null ? "no threshold without false hits served any probe"
            : $"lowest threshold with no false hit: {F(safe.Threshold, "0.00")} (hit rate {Pct(safe.HitRate)}, paraphrases {Pct(safe.ParaphraseRecall)})");
        ctx.Plot("cache-thresholds", CostCascadePlots.CacheTradeOff(points), "Semantic cache: hit rate and false-hit rate against the similarity threshold");
        ctx.Report.Paragraph("Reading it: a sentence embedding places \"Is 41 greater than 17?\" and \"Is 41 not greater than 17?\" almost on top of " +
            "each other, so a threshold low enough to serve paraphrases also serves negations and changed numbers; the exact cache never errs " +
            "but only serves repeats. `llmlab serve --cache semantic --cache-threshold X` takes the threshold this table supports.");
    }

    static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
