namespace LlmLab.Data.Shards;

/// <summary>How <see cref="ShardBuilder"/> builds a shard directory. Immutable.</summary>
/// <param name="ShardTokens">Tokens per shard file. 100 M by default: llm.c's and nanoGPT's FineWeb scripts write shards
/// of 10^8 tokens (200 MB at uint16), large enough that a run opens few files, small enough to copy and check one at a time.</param>
/// <param name="ValFraction">Share of each source's documents held out for validation, chosen by a stable hash of the
/// document id (<see cref="Text.CorpusSplit"/>); 0 for no validation split. 5% by default, the project's usual hold-out.</param>
/// <param name="Seed">Seed of the chunk shuffles: the same inputs and seed give byte-identical shards.</param>
/// <param name="Temperature">Temperature of the sampling p ∝ n^(1/T) when no weights are given; null means 1 (natural
/// proportions). Must be null when the sources have weights.</param>
/// <param name="ChunkTokens">Tokens per chunk: each source's token stream is cut into chunks, shuffled, and blended chunk
/// by chunk, so realised proportions are within about one chunk of the targets. 1,024 by default: GPT-2's context, like a
/// Megatron sample, while a mixture of a few million tokens still lands within 0.1% of its targets.</param>
/// <param name="TrainTokens">Tokens of the training mixture; null for the sum of the sources' training tokens (one
/// average epoch). A source whose share asks for more than it has is repeated (up-sampled).</param>
public sealed record ShardBuildOptions(
    long ShardTokens = 100_000_000,
    double ValFraction = 0.05,
    long Seed = 1337,
    double? Temperature = null,
    int ChunkTokens = 1024,
    long? TrainTokens = null)
{
    /// <summary>Throws the first bad setting, named as its CLI option.</summary>
    /// <exception cref="InputException">An option out of range.</exception>
    public void Validate()
    {
        if (ShardTokens < 1) throw new InputException($"--shard-tokens must be >= 1 (got {ShardTokens})");
        if (!(ValFraction >= 0 && ValFraction < 1)) throw new InputException($"--val-fraction must be >= 0 and < 1 (got {ValFraction})");
        if (Temperature is { } t && !(t > 0)) throw new InputException($"--temperature must be > 0 (got {t})");
        if (ChunkTokens < 1) throw new InputException($"--chunk-tokens must be >= 1 (got {ChunkTokens})");
        if (TrainTokens is { } n && n < 1) throw new InputException($"--train-tokens must be >= 1 (got {n})");
    }
}
