namespace LlmLab.Tokenization;

/// <summary>
/// What to train: the final vocabulary size (256 byte tokens + merges + special tokens), the split pattern, the
/// special tokens (ids after the merges, in the order given), and a name for the result.
/// </summary>
/// <param name="VocabSize">At least 256 + the number of special tokens; the rest are merges.</param>
/// <param name="Pattern">A split regex (<see cref="SplitPatterns"/>); GPT-4's by default, as minbpe's RegexTokenizer does:
/// it keeps numbers to 3 digits and newlines apart, which learns fewer near-duplicate tokens than GPT-2's.</param>
/// <param name="SpecialTokens">E.g. "&lt;|endoftext|&gt;": never split, never merged, never learned from.</param>
/// <param name="Name">A label kept in the file and shown by <c>tokenizer info</c>.</param>
public sealed record BpeTrainingOptions(int VocabSize, string Pattern = SplitPatterns.Cl100k,
    IReadOnlyList<string>? SpecialTokens = null, string Name = "bpe")
{
    /// <summary>The special tokens, never null.</summary>
    public IReadOnlyList<string> Specials => SpecialTokens ?? [];

    /// <summary>Checks the options; the messages use the CLI's option names.</summary>
    /// <exception cref="InputException">Vocabulary too small, or an empty or repeated special token.</exception>
    public void Validate()
    {
        foreach (string s in Specials)
            if (string.IsNullOrEmpty(s)) throw new InputException("--special must not be empty");
        var repeated = Specials.GroupBy(s => s, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InputException($"--special '{repeated.Key}' is given twice");
        int min = 256 + Specials.Count;
        if (VocabSize < min)
            throw new InputException($"--vocab-size must be ≥ {min} (got {VocabSize}): 256 byte tokens" +
                (Specials.Count > 0 ? $" + {Specials.Count} special token{(Specials.Count == 1 ? "" : "s")}" : "") + " come first");
    }
}
