namespace LlmLab.Data.Dedup;

/// <summary>Which document of a near-duplicate cluster is kept. (Exact duplicates always keep their first occurrence:
/// their normalised texts are identical, so any choice is the same text.)</summary>
public enum KeepRule
{
    /// <summary>The first in corpus order (datatrove and text-dedup keep one per cluster this way): stable, and what a
    /// streaming reader sees first.</summary>
    First,

    /// <summary>The longest text (most characters), ties to the first: keeps the most complete version of an edited text.</summary>
    Longest,
}
