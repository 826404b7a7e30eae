using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;
using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part05;

public sealed partial class MixtureShardingLab
{
    static void Proportions(LabContext ctx, ShardManifest m, string dir)
    {
        ctx.Report.Heading("Target vs realised proportions");
        long available = m.Sources.Sum(s => s.TrainAvailable);
        var rows = m.Sources.Select(s => new[]
        {
            s.Name, s.Documents.ToString("N0", Inv), s.TrainAvailable.ToString("N0", Inv), Pct((double)s.TrainAvailable / available),
                Pct(s.Target),
            Pct(s.TrainRealised), F(100 * (s.TrainRealised - s.Target), "+0.000;-0.000"), Pct(s.ValRealised), F(s.Epochs, "0.00"),
        });
        ctx.Report.Table(["source", "documents", "train tokens available", "natural share", "target", "realised (train)", "Δ (points)",
            "realised (val)", "epochs"],
            rows, $"{m.Train.Tokens:N0} training tokens (the sources' total: one average epoch), {m.Val.Tokens:N0} validation tokens");
        ctx.Report.Paragraph("Epochs = tokens taken / tokens available: below 1 the source was down-sampled (part of it unused), " +
            "above 1 up-sampled (its chunks repeated). The validation shards mix each source's held-out documents in the same " +
            "proportions, as many tokens as the scarcest source allows without repeating it.");
        foreach (var s in m.Sources)
            ctx.Metrics.Log(new { source = s.Name, s.Target, realised = s.TrainRealised, val_realised = s.ValRealised, s.Epochs,
                available = s.TrainAvailable, taken = s.TrainTaken });
        // The realised shares are the builder's own accounting; what can be checked from outside it is that the shard files
        // on disk hold exactly the tokens that accounting attributes to the sources.
        long onDisk = m.Train.Shards.Sum(sh => ShardFormat.ReadHeader(Path.Combine(dir, sh.File)).Tokens);
        ctx.Checks.BruteForce("token counts read from every training shard file's header").Equal(
            "training tokens in the shard files = the tokens index.json attributes to the sources", onDisk,
            m.Sources.Sum(s => s.TrainTaken), "tokens");
        double worst = m.Sources.Max(s => Math.Abs(s.TrainRealised - s.Target));
        ctx.Report.Headline("5.3 mixture",
            $"max |realised − target| = {F(100 * worst, "0.000")} points over {m.Sources.Count} sources, {m.Train.Tokens:N0} train " +
            $"tokens in {m.Train.Shards.Count} shards");
        ctx.Plot("proportions", MixtureShardingPlots.Proportions(m),
            "Target and realised share of the training tokens per source, with each source's natural share (its size)");
    }

    static void TemperatureSweep(LabContext ctx, MixtureShardingConfig cfg, ShardManifest m)
    {
        ctx.Report.Heading("Temperature sampling: p_i ∝ n_i^(1/T)");
        long[] sizes = m.Sources.Select(s => s.TrainAvailable).ToArray();
        double[] temps = cfg.Temperatures.Distinct().Order().ToArray();
        var shares = temps.Select(t => MixtureWeights.Temperature(sizes, t)).ToArray();
        ctx.Report.Paragraph("Without weights, the shares follow the sources' sizes n_i (training tokens here) " +
            "through a temperature: T = 1 keeps the natural proportions, T → ∞ tends to uniform, T < 1 favours the largest source even " +
            "more. Multilingual models sample languages this way (XLM and mT5 use α = 1/T = 0.3) to up-sample the small ones.");
        ctx.Report.Table(["T", .. m.Sources.Select(s => s.Name), "entropy (bits)"],
            temps.Select((t, i) => new[] { F(t, "0.##") }.Concat(shares[i].Select(Pct)).Append(F(Entropy(shares[i]), "0.000")).ToArray()),
            $"shares by temperature; uniform over {sizes.Length} sources = {Pct(1.0 / sizes.Length)}, entropy " +
                $"{F(Math.Log2(sizes.Length), "0.000")} bits");
        // T = 1 → natural proportions, entropy rising with T, the largest share falling: identities of the definition,
        // tested in MixtureWeightsTests rather than claimed here.
        ctx.Plot("temperature-sweep", MixtureShardingPlots.Temperature(m.Sources.Select(s => s.Name).ToList(), temps, shares),
            "Each source's share p_i against the sampling temperature T (log scale): natural proportions at T = 1, uniform as T grows");
    }

    static double Entropy(double[] p) => -p.Where(v => v > 0).Sum(v => v * Math.Log2(v));

    static void ShardTable(LabContext ctx, ShardManifest m)
    {
        ctx.Report.Heading("The shards");
        ctx.Report.Paragraph($"Each shard is a 32-byte header (\"LLTS\", version, {m.Width} bytes per token, token count, vocabulary " +
            "size) followed by the tokens, little-endian; index.json lists every shard with its token count, its tokens per source and " +
            "its SHA-256, and the tokenizer's vocabulary size and SHA-256 (see docs/part-05.md for the layout).");
        var rows = m.Train.Shards.Select(s => ("train", s)).Concat(m.Val.Shards.Select(s => ("val", s))).Select(p => new[]
        {
            p.Item1, p.s.File, p.s.Tokens.ToString("N0", Inv), (ShardFormat.HeaderBytes + p.s.Tokens * m.Width).ToString("N0", Inv),
            string.Join(", ", m.Sources.Select((src, k) => $"{src.Name} {Pct((double)p.s.SourceTokens[k] / p.s.Tokens)}")),
                p.s.Sha256[..16] + "…",
        });
        ctx.Report.Table(["split", "file", "tokens", "bytes", "sources", "sha256"], rows,
            $"{m.Train.Shards.Count} train and {m.Val.Shards.Count} validation shards ({m.Dtype})");
    }
}
