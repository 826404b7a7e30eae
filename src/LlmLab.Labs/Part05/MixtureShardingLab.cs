using System.Globalization;
using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Labs.Part05;

/// <summary>
/// Lab 5.3 — a data mixture and its token shards: three slices of the SDK-docs corpus (and Debian's fortunes when
/// installed) mixed with explicit weights, a small BPE tokenizer trained on them, binary uint16 shards with an
/// index.json written by <see cref="ShardBuilder"/>; then the checks: realised vs target proportions (Megatron-style
/// blending), the temperature sweep p ∝ n^(1/T), a byte-identical rebuild with the same seed, an exact resume of the
/// streaming loader from a saved state, and a corrupt shard and a foreign tokenizer refused by name.
/// </summary>
public sealed partial class MixtureShardingLab : Lab<MixtureShardingConfig>
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    protected override string Id => "5.3";

    public override MixtureShardingConfig Defaults(Profile profile) => MixtureShardingConfig.For(profile);

    protected override void Validate(MixtureShardingConfig cfg)
    {
        if (cfg.SourceBytes.Count != 4)
            throw new InputException(
                $"--set source_bytes: give 4 sizes (bcl, aspnetcore, extensions, fortunes), got {cfg.SourceBytes.Count}");
        foreach (long b in cfg.SourceBytes) ConfigRules.AtLeast("source_bytes", b, 0);
        if (cfg.Weights.Count != 3)
            throw new InputException($"--set weights: give 3 weights (bcl, aspnetcore, extensions), got {cfg.Weights.Count}");
        foreach (double w in cfg.Weights) ConfigRules.AtLeast("weights", w, 0);
        ConfigRules.AtLeast("fortunes_weight", cfg.FortunesWeight, 0);
        ConfigRules.InRange("vocab_size", cfg.VocabSize, 258, 65_536);
        ConfigRules.AtLeast("tokenizer_bytes", cfg.TokenizerBytes, 1000);
        ConfigRules.AtLeast("chunk_tokens", cfg.ChunkTokens, 1);
        ConfigRules.AtLeast("shard_tokens", cfg.ShardTokens, 1);
        ConfigRules.InRange("val_fraction", cfg.ValFraction, 0.001, 0.5);
        ConfigRules.NotEmpty("temperatures", cfg.Temperatures);
        foreach (double t in cfg.Temperatures) ConfigRules.InRange("temperatures", t, 0.01, 1e6);
        foreach (var (key, value) in new (string, int)[] { ("batch", cfg.Batch), ("context", cfg.Context),
            ("resume_after", cfg.ResumeAfter), ("compare_batches", cfg.CompareBatches) })
            ConfigRules.AtLeast(key, value, 1);
    }

    public override void Run(LabContext ctx, MixtureShardingConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        var sources = Sources(cfg);
        ctx.Report.Paragraph("Sources: "
            + string.Join("; ", sources.Select(s => $"**{s.Name}** ({s.Origin}, weight {F(s.Weight!.Value, "0.##")})")) +
            $", read up to {string.Join(" / ", cfg.SourceBytes.Take(sources.Count).Select(b => b > 0 ? b.ToString("N0", Inv) : "all"))} " +
            $"bytes of documents respectively." +
            (sources.Count == 3
            && cfg.UseFortunes ? " Debian's fortunes are not installed here, so the mixture has the three SDK slices only." : ""));

        // 1. A small BPE tokenizer, trained on the training documents of every source alike (a tokenizer trained on one
        //    source would compress the others worse and skew their token counts).
        string tokenizerPath = Path.Combine(ctx.Directory, "tokenizer.bin");
        long perSource = cfg.TokenizerBytes / sources.Count;
        var texts = sources.SelectMany(s => SourceViews.Take(s.Documents.Train(cfg.ValFraction), perSource).Read().Select(d => d.Text));
        BpeTrainer.Train(texts, new BpeTrainingOptions(cfg.VocabSize, SplitPatterns.Cl100k, [ShardBuilder.EndOfText], "lab-5.3"))
            .Save(tokenizerPath);
        var (tokenizer, identity) = TokenizerIdentity.Open(tokenizerPath);

        // 2. The shards.
        var options = new ShardBuildOptions(cfg.ShardTokens, cfg.ValFraction, ctx.Seed, ChunkTokens: cfg.ChunkTokens);
        string shards = Path.Combine(ctx.Directory, "shards");
        var log = new List<string>();
        var manifest = ShardBuilder.Build(sources, tokenizer, identity, shards, options, log.Add);
        ctx.Report.Paragraph($"Tokenizer: byte-level BPE, {identity.VocabSize:N0} ids (sha256 {identity.Sha256[..12]}…), so the shards " +
            $"hold **{manifest.Dtype}** tokens. Each document is followed by <|endoftext|> (id {manifest.Separator[0]}); each source's " +
            $"token stream is cut into chunks of {cfg.ChunkTokens:N0} tokens, shuffled with seed {ctx.Seed}, and blended chunk by chunk: " +
            "the next chunk comes from the source furthest below its target share (Megatron-LM's blended dataset rule). A source asked " +
            "for more tokens than it has is repeated, each pass in a new order.");
        ctx.Report.Code(string.Join("\n", log));

        Proportions(ctx, manifest, shards);
        TemperatureSweep(ctx, cfg, manifest);
        ShardTable(ctx, manifest);
        Rebuild(ctx, sources, tokenizer, identity, shards, options);
        Resume(ctx, cfg, shards, identity);
        Refusals(ctx, shards, identity);
    }

    /// <summary>The lab's sources: three SDK-docs slices by assembly family, and the fortunes when installed.</summary>
    internal static List<MixtureSource> Sources(MixtureShardingConfig cfg)
    {
        IDocumentSource Cap(IDocumentSource s, int k) => cfg.SourceBytes[k] > 0 ? SourceViews.Take(s, cfg.SourceBytes[k]) : s;
        var list = new List<MixtureSource>
        {
            new("bcl", Cap(SourceViews.SdkAssemblies("bcl", a => a.StartsWith("System.", StringComparison.Ordinal) || a == "System"), 0),
                "sdk-docs System.*", cfg.Weights[0]),
            new("aspnetcore",
                Cap(SourceViews.SdkAssemblies("aspnetcore", a => a.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)), 1),
                "sdk-docs Microsoft.AspNetCore.*", cfg.Weights[1]),
            new("extensions", Cap(SourceViews.SdkAssemblies("extensions", a => a.StartsWith("Microsoft.", StringComparison.Ordinal)
                && !a.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)), 2), "sdk-docs other Microsoft.*", cfg.Weights[2]),
        };
        if (cfg.UseFortunes && cfg.FortunesWeight > 0 && FortuneSource.FromDirectory() is { } fortunes)
            list.Add(new MixtureSource("fortunes", Cap(fortunes, 3), FortuneSource.DefaultFolder, cfg.FortunesWeight));
        return list;
    }

    static string F(double v, string format = "0.000") => v.ToString(format, Inv);

    static string Pct(double v) => (100 * v).ToString("0.00", Inv) + "%";
}
