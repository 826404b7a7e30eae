namespace LlmLab.Tokenization;

/// <summary>
/// The pre-tokenizer patterns that cut text into "words" before byte-pair merging, so that merges never cross a
/// word, a number or a run of punctuation. A pattern is kept as its regex text (that is what tokenizer files store);
/// the empty string means none (a whole text, or a whole segment between special tokens, is one word).
/// </summary>
/// <remarks>
/// <para>The two known patterns are written as Microsoft.ML.Tokenizers 2.0.1 writes them (that text is what our
/// tokenizer files and shard identities store, so it stays as it is). They are the tiktoken patterns (openai/tiktoken,
/// <c>tiktoken_ext/openai_public.py</c>) with atomic groups: the GPT-2 one ends in <c>(?&gt;\s+)$|\s+(?!\S)|\s</c>
/// instead of <c>\s+(?!\S)|\s+</c>, which matches the same text.</para>
/// <para>They are not run as .NET regexes: .NET's <c>\p{L}</c>/<c>\p{N}</c> do not match letters and digits beyond
/// the BMP (surrogate pairs), where tiktoken's do, and .NET's <c>(?i)s</c> does not match ſ (U+017F), which Unicode case
/// folding (and tiktoken) maps to s. <see cref="PreTokenizer"/> runs them as scanners over code points
/// (<see cref="TiktokenSplit"/>), checked against tiktoken's own ids on a Unicode stress set.</para>
/// </remarks>
public static class SplitPatterns
{
    /// <summary>GPT-2's split (also r50k/p50k): contractions, optional space + letters, optional space + digits,
    /// optional space + other symbols, whitespace.</summary>
    public const string Gpt2 = @"'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s";

    /// <summary>GPT-4's cl100k_base split: case-insensitive contractions, at most 3 digits per number, newlines kept
    /// apart from other whitespace.</summary>
    public const string Cl100k = @"'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})|" +
        @" ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s";

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
}
