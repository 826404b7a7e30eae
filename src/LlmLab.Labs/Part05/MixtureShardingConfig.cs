using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part05;

/// <summary>Settings of lab 5.3 (keys of <c>--set</c> in snake_case). Immutable.</summary>
/// <param name="SourceBytes">UTF-8 bytes read at most from bcl, aspnetcore, extensions and fortunes, in that order (the
/// documents that fit); 0 reads a source whole.</param>
/// <param name="Weights">Mixture weights of the SDK-docs slices bcl (System.*), aspnetcore (Microsoft.AspNetCore.*) and
/// extensions (the other Microsoft.* assemblies), in that order; normalised with <see cref="FortunesWeight"/>.</param>
/// <param name="UseFortunes">Add Debian's fortune files as a fourth source when they are installed (skipped otherwise).</param>
/// <param name="FortunesWeight">The fortunes' weight, when they are used.</param>
/// <param name="VocabSize">Size of the BPE vocabulary trained for the lab (256 bytes + merges + &lt;|endoftext|&gt;).</param>
/// <param name="TokenizerBytes">Bytes of text the tokenizer trains on, taken evenly from the sources.</param>
/// <param name="ChunkTokens">Tokens per blending chunk: realised proportions land within about one chunk of the targets.</param>
/// <param name="ShardTokens">Tokens per shard file (small here, so the lab writes several and the loader crosses them).</param>
/// <param name="ValFraction">Share of each source's documents held out for the validation shards.</param>
/// <param name="Temperatures">Temperatures of the sweep of p ∝ n^(1/T) over the sources' sizes.</param>
/// <param name="Batch">Sequences per batch of the resume check.</param>
/// <param name="Context">Tokens per sequence of the resume check.</param>
/// <param name="ResumeAfter">Batches served before the loader's state is saved.</param>
/// <param name="CompareBatches">Batches compared after the restore.</param>
public sealed record MixtureShardingConfig(
    IReadOnlyList<long> SourceBytes,
    IReadOnlyList<double> Weights,
    bool UseFortunes,
    double FortunesWeight,
    int VocabSize,
    long TokenizerBytes,
    int ChunkTokens,
    long ShardTokens,
    double ValFraction,
    IReadOnlyList<double> Temperatures,
    int Batch,
    int Context,
    int ResumeAfter,
    int CompareBatches)
{
    /// <summary>The defaults of a profile.</summary>
    public static MixtureShardingConfig For(Profile profile) => profile switch
    {
        // Smoke: seconds. 165 kB in all (~40k tokens), a 512-token vocabulary, chunks of 64 tokens so ~600 chunks are
        // blended and the 0.5% tolerance holds with room (one chunk is ~0.15% of the mixture).
        Profile.Smoke => Base with { SourceBytes = [80_000, 40_000, 25_000, 20_000], VocabSize = 512, TokenizerBytes = 60_000,
                                     ChunkTokens = 64, ShardTokens = 16_384, Batch = 4, Context = 32, ResumeAfter = 5,
                                     CompareBatches = 10 },
        // Quick: about a minute on a 2-core CPU, most of it reading and rendering the XML docs (read three times: tokenizer,
        // shards, rebuild).
        Profile.Quick => Base,
        // Full: every document of every slice (~17 M characters), an 8k vocabulary, GPT-2's context as the chunk.
        _ => Base with { SourceBytes = [0, 0, 0, 0], VocabSize = 8192, TokenizerBytes = 8_000_000, ChunkTokens = 1024,
                         ShardTokens = 10_000_000, Batch = 16, Context = 1024, ResumeAfter = 100, CompareBatches = 100 },
    };

    static readonly MixtureShardingConfig Base = new(
        // 9 MB in all (~2.4 M tokens at V = 2,048; about 20 s here), unequal like the slices themselves (System.* is the
        // largest), so the natural shares differ and the temperature sweep has something to flatten.
        SourceBytes: [5_000_000, 2_000_000, 1_500_000, 600_000],
        // Not the natural proportions: the base library (the largest slice) is held below half and the smaller slices get
        // more than their size, so the run shows both down-sampling (< 1 epoch) and up-sampling (> 1 epoch).
        Weights: [0.45, 0.2, 0.25],
        UseFortunes: true,
        // A tenth (the four weights sum to 1): a small source of another register, as code or dialogue is in a web mixture.
        FortunesWeight: 0.1,
        // 2,048: large enough to compress (~4 bytes/token), small enough to train in a second; uint16 shards.
        VocabSize: 2048,
        TokenizerBytes: 1_000_000,
        // 256 tokens: a mixture of ~2.4 M tokens is ~9,000 chunks, so one chunk is 0.01% of it.
        ChunkTokens: 256,
        // 250k tokens a shard: about ten train shards.
        ShardTokens: 250_000,
        // 5%: the project's usual hold-out.
        ValFraction: 0.05,
        // The bar: realised proportions within 0.5% of target.
        // From sharper than natural (0.5) through natural (1) and the multilingual models' α = 0.3 (T ≈ 3.3) to nearly uniform.
        Temperatures: [0.5, 1, 1.5, 2, 3.33, 5, 10, 100],
        Batch: 8,
        Context: 128,
        ResumeAfter: 20,
        CompareBatches: 20);
}
