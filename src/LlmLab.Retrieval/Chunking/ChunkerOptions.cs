namespace LlmLab.Retrieval.Chunking;

/// <summary>Chunk sizes in tokens.</summary>
/// <param name="MaxTokens">At most this many tokens a chunk: 200 leaves MiniLM's 256-token window room for [CLS]/[SEP]
/// and keeps a chunk about one FAQ answer or a few paragraphs, small enough to cite precisely.</param>
/// <param name="OverlapTokens">Tokens repeated between consecutive windows when a split falls inside a paragraph, so a
/// sentence cut at a boundary is whole in one of them; splits at paragraph boundaries need none.</param>
public sealed record ChunkerOptions(int MaxTokens = 200, int OverlapTokens = 32)
{
    /// <summary>Rejects sizes that cannot make progress.</summary>
    public void Validate()
    {
        if (MaxTokens < 8) throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "max tokens must be ≥ 8");
        if (OverlapTokens < 0 || OverlapTokens >= MaxTokens / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(OverlapTokens), OverlapTokens, "overlap must be in [0, max tokens / 2)");
        }
    }
}
