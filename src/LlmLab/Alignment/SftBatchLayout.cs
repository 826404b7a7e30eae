namespace LlmLab.Alignment;

/// <summary>How SFT examples are laid out in the rows of a batch.</summary>
public enum SftBatchLayout
{
    /// <summary>One example per row, padded on the right (plain causal attention; padding is after every real token, so
    /// no real token sees it, and its targets are −1). Simple, wastes the padding's compute.</summary>
    Pad,

    /// <summary>Several examples per row, each with its own positions (from 0) and a block-diagonal causal mask so that
    /// no example attends to another (as TRL's padding-free packing does with per-example position ids). Little waste.</summary>
    Pack,
}
