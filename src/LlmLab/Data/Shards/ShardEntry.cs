namespace LlmLab.Data.Shards;

/// <summary>One shard file as <c>index.json</c> lists it. Immutable.</summary>
/// <param name="File">The file name, relative to the shard directory ("train-000000.bin").</param>
/// <param name="Tokens">Tokens it holds.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the whole file, header included.</param>
/// <param name="SourceTokens">Tokens from each source, in the order of <see cref="ShardManifest.Sources"/>.</param>
public sealed record ShardEntry(string File, long Tokens, string Sha256, IReadOnlyList<long> SourceTokens);
