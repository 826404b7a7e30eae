using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part05;

public sealed partial class MixtureShardingLab
{
    /// <summary>Builds the shards again with the same seed and compares every file byte for byte.</summary>
    static void Rebuild(LabContext ctx, List<MixtureSource> sources, ITokenizer tokenizer, TokenizerIdentity identity, string shards,
        ShardBuildOptions options)
    {
        ctx.Report.Heading("Reproducibility, resume and integrity");
        string again = Path.Combine(ctx.Directory, "shards-rebuild");
        ShardBuilder.Build(sources, tokenizer, identity, again, options);
        var names = Directory.GetFiles(shards).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        var namesAgain = Directory.GetFiles(again).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        int differing = names.SequenceEqual(namesAgain)
            ? names.Count(n => !File.ReadAllBytes(Path.Combine(shards, n)).AsSpan()
                .SequenceEqual(File.ReadAllBytes(Path.Combine(again, n))))
            : -1;
        Directory.Delete(again, recursive: true);
        ctx.Checks.SelfConsistency("a second build with the same seed")
            .True("a rebuild with the same seed gives byte-identical shards and index.json", differing == 0,
            differing < 0 ? "the file lists differ" : $"{names.Count} files compared, {differing} differ");
    }

    /// <summary>Stops a loader after some batches, saves its state to a file, restores a new loader from it, and compares
    /// the next batches with those of a loader that never stopped.</summary>
    static void Resume(LabContext ctx, MixtureShardingConfig cfg, string shards, TokenizerIdentity identity)
    {
        using var scope = NewDisposeScope();
        using var set = ShardSet.Open(shards, "train", identity);
        var straight = new ShardBatchLoader(set, cfg.Batch, cfg.Context, ctx.Seed);
        var first = new ShardBatchLoader(set, cfg.Batch, cfg.Context, ctx.Seed);
        for (int i = 0; i < cfg.ResumeAfter; i++) { straight.Next(); first.Next(); }
        string statePath = Path.Combine(ctx.Directory, "loader-state.json");
        AtomicFile.WriteAllText(statePath, first.SaveState().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        using var reopened = ShardSet.Open(shards, "train", identity);
        var resumed = new ShardBatchLoader(reopened, cfg.Batch, cfg.Context, ctx.Seed);
        resumed.RestoreState(JsonNode.Parse(File.ReadAllText(statePath))!.AsObject());
        int mismatches = 0;
        for (int i = 0; i < cfg.CompareBatches; i++)
        {
            var (x1, y1) = straight.Next();
            var (x2, y2) = resumed.Next();
            if (!x1.equal(x2).all().item<bool>() || !y1.equal(y2).all().item<bool>()) mismatches++;
        }
        ctx.Report.Paragraph($"Streaming loader: {straight.WindowsPerEpoch:N0} windows of {cfg.Context} + 1 tokens per epoch over " +
            $"{set.Shards.Count} train shards, shards and windows in seeded random order, batches of {cfg.Batch} × {cfg.Context}. After " +
            $"{cfg.ResumeAfter} batches its state was saved to loader-state.json ({new FileInfo(statePath).Length:N0} bytes: positions, " +
            $"seed and the manifest's hash — no data), and a new loader on a reopened shard set restored from it.");
        ctx.Checks.SelfConsistency("the uninterrupted loader")
            .Equal($"resumed loader: batches {cfg.ResumeAfter + 1}–{cfg.ResumeAfter + cfg.CompareBatches} that " +
                $"differ from the uninterrupted run", mismatches, 0, "batches");
    }

    /// <summary>A shard with one flipped byte, and a foreign tokenizer, must both be refused with a message naming them.</summary>
    static void Refusals(LabContext ctx, string shards, TokenizerIdentity identity)
    {
        string copy = Path.Combine(ctx.Directory, "shards-corrupt");
        Directory.CreateDirectory(copy);
        foreach (string f in Directory.GetFiles(shards)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        string victim = Path.Combine(copy, "train-000000.bin");
        using (var fs = new FileStream(victim, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = fs.Length / 2;
            int b = fs.ReadByte();
            fs.Position--;
            fs.WriteByte((byte)(b ^ 0x01));
        }
        string corrupt = Refused(() => { using var s = ShardSet.Open(copy, "train"); s.VerifyAll(); });
        Directory.Delete(copy, recursive: true);
        ctx.Checks.KnownAnswer("a planted corruption")
            .True("a shard with one flipped bit is refused, by name", corrupt.Contains("train-000000.bin", StringComparison.Ordinal)
                && corrupt.Contains("corrupt", StringComparison.Ordinal),
            corrupt.Length == 0 ? "it was read" : $"\"{corrupt.Replace(ctx.Directory, "…", StringComparison.Ordinal)}\"");

        var gpt2 = TokenizerIdentity.Of(PretrainedTokenizers.Gpt2());
        string mismatch = Refused(() => ShardSet.Open(shards, "train", gpt2).Dispose());
        ctx.Checks.KnownAnswer("a planted tokenizer mismatch")
            .True("shards made with our tokenizer refuse GPT-2's", mismatch.Contains("tokenizer mismatch", StringComparison.Ordinal),
            mismatch.Length == 0 ? "they were opened" : $"\"{mismatch.Replace(ctx.Directory, "…", StringComparison.Ordinal)}\"");
        ctx.Report.Paragraph($"Integrity: the loader hashes each shard (SHA-256) the first time it maps it and compares with " +
            $"index.json; a flipped bit gave: \"{corrupt.Replace(ctx.Directory, "…", StringComparison.Ordinal)}\". Opening with GPT-2's " +
            $"tokenizer (vocabulary {gpt2.VocabSize:N0}) instead of ours ({identity.VocabSize:N0}) gave: " +
            $"\"{mismatch.Replace(ctx.Directory, "…", StringComparison.Ordinal)}\".");
    }

    static string Refused(Action open)
    {
        try { open(); return ""; }
        catch (InputException e) { return e.Message; }
    }
}
