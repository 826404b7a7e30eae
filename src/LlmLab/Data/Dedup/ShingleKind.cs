namespace LlmLab.Data.Dedup;

/// <summary>What a shingle is made of.</summary>
public enum ShingleKind
{
    /// <summary>Word n-grams of the normalised text (words = runs between spaces); the default, as in Lee et al. 2022 and
    /// datatrove.</summary>
    Words,

    /// <summary>Character n-grams of the normalised text (for scripts without spaces, or very short texts).</summary>
    Chars,
}
