using System.Text.RegularExpressions;

namespace LlmLab.Tokenization;

/// <summary>
/// The pre-tokenizer patterns that cut text into "words" before byte-pair merging, so that merges never cross a
/// word, a number or a run of punctuation. A pattern is kept as its regex text (that is what tokenizer files store);
/// the empty string means none (a whole text, or a whole segment between special tokens, is one word).
/// </summary>
/// <remarks>
/// The two known patterns are written exactly as Microsoft.ML.Tokenizers 2.0.1 writes them, which is how the parity
/// tests get identical ids. They are the tiktoken patterns (openai/tiktoken, <c>tiktoken_ext/openai_public.py</c>) with
/// atomic groups for speed: the GPT-2 one ends in <c>(?&gt;\s+)$|\s+(?!\S)|\s</c> instead of <c>\s+(?!\S)|\s+</c>, which
/// matches the same text (the last branch is only reached when the run of spaces is one character long).
/// Thread-safe: the compiled regexes are immutable and shared.
/// </remarks>
public static partial class SplitPatterns
{
    /// <summary>GPT-2's split (also r50k/p50k): contractions, optional space + letters, optional space + digits,
    /// optional space + other symbols, whitespace.</summary>
    public const string Gpt2 = @"'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s";

    /// <summary>GPT-4's cl100k_base split: case-insensitive contractions, at most 3 digits per number, newlines kept
    /// apart from other whitespace.</summary>
    public const string Cl100k = @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";

    /// <summary>No pre-tokenization.</summary>
    public const string None = "";

    /// <summary>The names accepted by <see cref="FromName"/>, for messages.</summary>
    public const string Names = "gpt2, gpt4 (= cl100k) or none";

    /// <summary>The pattern called <paramref name="name"/>: gpt2, gpt4 or cl100k, none.</summary>
    /// <exception cref="InputException">Another name.</exception>
    public static string FromName(string name) => name.ToLowerInvariant() switch
    {
        "gpt2" => Gpt2,
        "gpt4" or "cl100k" or "cl100k_base" => Cl100k,
        "none" => None,
        _ => throw new InputException($"--pattern must be {Names} (got '{name}')"),
    };

    /// <summary>A short name for a pattern: gpt2, gpt4, none, or "custom".</summary>
    public static string NameOf(string pattern) => pattern switch
    {
        Gpt2 => "gpt2",
        Cl100k => "gpt4",
        None => "none",
        _ => "custom",
    };

    /// <summary>The regex for a pattern (source-generated for the known ones, compiled otherwise); null for none.</summary>
    /// <exception cref="InputException">The pattern is not a valid .NET regex.</exception>
    public static Regex? Compile(string pattern)
    {
        switch (pattern)
        {
            case None: return null;
            case Gpt2: return Gpt2Regex();
            case Cl100k: return Cl100kRegex();
        }
        try { return new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant); }
        catch (ArgumentException e) { throw new InputException($"the split pattern is not a valid regex ({e.Message}): {pattern}", e); }
    }

    [GeneratedRegex(Gpt2)]
    private static partial Regex Gpt2Regex();

    [GeneratedRegex(Cl100k)]
    private static partial Regex Cl100kRegex();
}
