namespace LlmLab.Data.Shards;

/// <summary>The shards of one split (train or val) as <c>index.json</c> lists them. Immutable.</summary>
/// <param name="Tokens">Tokens over all its shards.</param>
/// <param name="Shards">Its shard files, in order.</param>
public sealed record ShardSplit(long Tokens, IReadOnlyList<ShardEntry> Shards)
{
    /// <summary>No shards (a split of validation fraction 0).</summary>
    public static ShardSplit Empty { get; } = new(0, []);
}
