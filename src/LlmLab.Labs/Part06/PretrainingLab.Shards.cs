using LlmLab.Data.Mixture;
using LlmLab.Data.Shards;
using LlmLab.Labs.Framework;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part06;

public sealed partial class PretrainingLab
{
    /// <summary>
    /// Part 5's step of the pipeline: the corpus slice the tokenizer was trained on, tokenized once into binary token
    /// shards (train and val splits, 5% of documents held out by a hash of their id) that the main run streams from.
    /// Returns the tokenizer spec the trainer opens (the saved BPE file, or "gpt2") and the shard directory.
    /// </summary>
    static (string Tokenizer, string Shards) BuildShards(LabContext ctx, PretrainingLabConfig cfg, PretrainingText text)
    {
        string spec = "gpt2";
        if (cfg.Tokenizer == "bpe")
        {
            spec = Path.Combine(ctx.Directory, "tokenizer.bin");
            ((BpeTokenizer)text.Tokenizer).Save(spec);
        }
        var (tokenizer, identity) = TokenizerIdentity.Open(spec);
        string dir = Path.Combine(ctx.Directory, "shards");
        var source = new MixtureSource("corpus", SourceViews.Take(ctx.Corpus, cfg.CorpusBytes + cfg.ValidationBytes), ctx.Corpus.Name);
        // Shards of ~1/4 of the tokens, so that the loader crosses shard boundaries even at smoke.
        long shardTokens = Math.Max(4096, text.Train.Length / 4);
        var manifest = ShardBuilder.Build([source], tokenizer, identity, dir,
            new ShardBuildOptions(ShardTokens: shardTokens, ValFraction: 0.05, Seed: ctx.Seed, ChunkTokens: cfg.Context * 4), log: null);
        var train = manifest.Split("train");
        var val = manifest.Split("val");
        ctx.Report.Paragraph($"Token shards (Part 5's format, `shards/`): {N(train.Tokens)} training tokens in {train.Shards.Count} shards and " +
            $"{N(val.Tokens)} validation tokens ({(manifest.Dtype)}); the main run streams its batches from them with `ShardBatchLoader`, whose position is " +
            "saved in every checkpoint. Bits per byte are computed at the validation text's bytes per token.");
        ctx.Checks.Formula("one training window needs n_positions + 1 tokens")
            .AtLeast("the shards hold training tokens for at least one epoch of windows", train.Tokens, cfg.Context + 1L, "tokens");
        return (spec, dir);
    }
}
