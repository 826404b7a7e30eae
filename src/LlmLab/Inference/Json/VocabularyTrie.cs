using System.Runtime.CompilerServices;
using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Inference.Json;

/// <summary>
/// A tokenizer's vocabulary as a character trie of each token's text, so a grammar state is extended once per shared
/// prefix rather than once per token (the mask of a 50,257-token vocabulary costs a walk of the trie's reachable part).
/// Left out: special tokens, tokens with no text, and byte-level tokens that are not whole UTF-8 (they cannot be checked
/// character by character; constrained output is made of whole characters). Built once per tokenizer and cached.
/// Immutable and thread-safe.
/// </summary>
public sealed class VocabularyTrie
{
    static readonly ConditionalWeakTable<ITokenizer, VocabularyTrie> Cache = [];
    static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    VocabularyTrie(ITokenizer tokenizer)
    {
        Root = new TrieNode();
        Texts = new string?[tokenizer.VocabSize];
        int usable = 0;
        for (int id = 0; id < tokenizer.VocabSize; id++)
            if (TextOf(tokenizer, id) is { Length: > 0 } text)
            {
                Texts[id] = text;
                var n = Root;
                foreach (char c in text) n = n.Child(c);
                n.Tokens.Add(id);
                usable++;
            }
        Usable = usable;
    }

    /// <summary>The trie of <paramref name="tokenizer"/>'s vocabulary (built on first use).</summary>
    public static VocabularyTrie For(ITokenizer tokenizer) => Cache.GetValue(tokenizer, t => new VocabularyTrie(t));

    internal TrieNode Root { get; }

    /// <summary>Each token's text as the trie holds it (null: left out).</summary>
    internal string?[] Texts { get; }

    /// <summary>Tokens in the trie.</summary>
    public int Usable { get; }

    static string? TextOf(ITokenizer tok, int id)
    {
        if (tok is BpeTokenizer bpe)
        {
            if (!bpe.HasToken(id)) return null;                                 // special or unused
            try { return Strict.GetString(bpe.TokenBytes(id)); } catch (DecoderFallbackException) { return null; }
        }
        try
        {
            string s = tok.Decode([id]);
            return s.Contains('\uFFFD') ? null : s;                            // an unknown-character token has no usable text
        }
        catch (InputException) { return null; }
    }

    internal sealed class TrieNode
    {
        public Dictionary<char, TrieNode> Children { get; } = [];
        public List<int> Tokens { get; } = [];

        public TrieNode Child(char c)
        {
            if (!Children.TryGetValue(c, out var n)) Children[c] = n = new TrieNode();
            return n;
        }
    }
}
