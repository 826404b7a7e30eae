namespace LlmLab.Data.Dedup;

/// <summary>
/// How text is normalised before it is hashed (exact dedup) and shingled (near-dup): each step is an option.
/// The defaults follow the usual dedup pipelines (datatrove's and text-dedup's text simplification: case folded,
/// punctuation dropped, whitespace collapsed), with Unicode NFKC first so that compatibility forms ("ﬁ", full-width
/// letters, non-breaking spaces) compare equal to their plain forms. Digits are kept by default: "version 1" and
/// "version 2" are different facts, and near-dup detection still joins such pairs when the rest is the same.
/// </summary>
/// <param name="Nfkc">Unicode normalisation form KC.</param>
/// <param name="Lowercase">Invariant lower case.</param>
/// <param name="Whitespace">Runs of whitespace become one space; leading and trailing whitespace is dropped.</param>
/// <param name="Punctuation">Punctuation and symbols (Unicode categories P* and S*) are removed.</param>
/// <param name="Digits">Every decimal digit becomes '0'.</param>
public sealed record NormalizationOptions(bool Nfkc = true, bool Lowercase = true, bool Whitespace = true, bool Punctuation = true,
    bool Digits = false)
{
    /// <summary>NFKC, lower case, whitespace collapsed, punctuation removed, digits kept.</summary>
    public static NormalizationOptions Default { get; } = new();

    /// <summary>The text as it is.</summary>
    public static NormalizationOptions None { get; } = new(false, false, false, false, false);

    /// <summary>A short stable description, e.g. "nfkc+lower+space+punct", stored with every stage file.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Nfkc) parts.Add("nfkc");
        if (Lowercase) parts.Add("lower");
        if (Whitespace) parts.Add("space");
        if (Punctuation) parts.Add("punct");
        if (Digits) parts.Add("digits");
        return parts.Count == 0 ? "none" : string.Join('+', parts);
    }

    /// <summary>Parses a comma- or plus-separated list of steps (nfkc, lower, space, punct, digits), or "none".</summary>
    /// <exception cref="InputException">An unknown step.</exception>
    public static NormalizationOptions Parse(string text)
    {
        var steps = text.Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).ToList();
        if (steps.Count == 1 && steps[0] == "none") return None;
        string[] known = ["nfkc", "lower", "space", "punct", "digits"];
        foreach (string s in steps)
            if (!known.Contains(s))
                throw new InputException($"--normalize: unknown step '{s}'; use a list of {string.Join(", ", known)}, or none");
        return new(steps.Contains("nfkc"), steps.Contains("lower"), steps.Contains("space"), steps.Contains("punct"),
            steps.Contains("digits"));
    }
}
