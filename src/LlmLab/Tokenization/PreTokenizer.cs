using System.Text.RegularExpressions;

namespace LlmLab.Tokenization;

/// <summary>
/// Cuts text into the pieces ("words") that byte-pair merging works inside, by a split pattern
/// (<see cref="SplitPatterns"/>): the one home of pre-tokenization, used by the encoder and by both trainers.
/// </summary>
/// <remarks>
/// <para>GPT-2's and cl100k's patterns run as scanners over code points (<see cref="TiktokenSplit"/>), which give
/// tiktoken's pieces also beyond the Basic Multilingual Plane, where .NET's regex classes see surrogates; any other
/// pattern runs as a .NET regex (so <c>\p{L}</c> in it does not match letters beyond the BMP); none gives the whole
/// text as one piece.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed class PreTokenizer
{
    /// <summary>How the pieces are found.</summary>
    internal enum Kind { None, Gpt2, Cl100k, Regex }

    static readonly PreTokenizer NoneInstance = new(SplitPatterns.None, Kind.None, null);
    static readonly PreTokenizer Gpt2Instance = new(SplitPatterns.Gpt2, Kind.Gpt2, null);
    static readonly PreTokenizer Cl100kInstance = new(SplitPatterns.Cl100k, Kind.Cl100k, null);

    readonly Kind _kind;
    readonly Regex? _regex;

    PreTokenizer(string pattern, Kind kind, Regex? regex) => (Pattern, _kind, _regex) = (pattern, kind, regex);

    /// <summary>The split pattern's text, as tokenizer files store it; empty for none.</summary>
    public string Pattern { get; }

    /// <summary>The pre-tokenizer of <paramref name="pattern"/>: shared instances for <see cref="SplitPatterns.Gpt2"/>,
    /// <see cref="SplitPatterns.Cl100k"/> and <see cref="SplitPatterns.None"/>, a compiled regex for any other.</summary>
    /// <exception cref="InputException">The pattern is not a valid .NET regex.</exception>
    public static PreTokenizer For(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        switch (pattern)
        {
            case SplitPatterns.None: return NoneInstance;
            case SplitPatterns.Gpt2: return Gpt2Instance;
            case SplitPatterns.Cl100k: return Cl100kInstance;
        }
        try { return new PreTokenizer(pattern, Kind.Regex, new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant)); }
        catch (ArgumentException e) { throw new InputException($"the split pattern is not a valid regex ({e.Message}): {pattern}", e); }
    }

    /// <summary>The pieces of <paramref name="text"/>, in order, without allocating: <c>foreach (var piece in
    /// pre.Split(text))</c>. Each piece is a slice of <paramref name="text"/>; together they cover it (for the built-in
    /// patterns and none; a custom regex may skip characters its matches do not cover).</summary>
    public PieceEnumerator Split(ReadOnlySpan<char> text) => new(text, _kind, _regex);

    /// <summary>The pieces of <paramref name="text"/> as strings (for reading and tests; <see cref="Split"/> is the fast path).</summary>
    public List<string> Pieces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = new List<string>();
        foreach (var piece in Split(text)) pieces.Add(piece.ToString());
        return pieces;
    }
}
