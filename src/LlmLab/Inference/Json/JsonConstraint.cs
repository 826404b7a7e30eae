using LlmLab.Tokenization;

namespace LlmLab.Inference.Json;

/// <summary>
/// The JSON constraint of one sequence: (1) before each step, the set of tokens whose text keeps the output a prefix of
/// a valid instance (<see cref="Allowed"/>, by a walk of the <see cref="VocabularyTrie"/> with the
/// <see cref="JsonGrammar"/>), (2) after the step, the grammar advanced by the chosen token's text; the sequence is done
/// when the value is complete. Not thread-safe (one per sequence).
/// </summary>
public sealed class JsonConstraint
{
    readonly VocabularyTrie _trie;
    readonly int _vocab;
    JsonGrammar _state;

    /// <param name="schema">What the output must be.</param>
    /// <param name="tokenizer">Whose vocabulary is masked.</param>
    public JsonConstraint(JsonSchemaSubset schema, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _trie = VocabularyTrie.For(tokenizer);
        _vocab = tokenizer.VocabSize;
        _state = JsonGrammar.Start(schema);
    }

    /// <summary>True when the output so far is a complete value.</summary>
    public bool IsComplete => _state.IsComplete;

    /// <summary>Per token id: may it come next? (All false: nothing in the vocabulary continues the value.)</summary>
    public bool[] Allowed()
    {
        var allowed = new bool[_vocab];
        Walk(_trie.Root, _state.Stack, allowed);
        return allowed;
    }

    static void Walk(VocabularyTrie.TrieNode node, JsonGrammar.Node stack, bool[] allowed)
    {
        foreach (var (c, child) in node.Children)
        {
            if (JsonGrammar.Node.Feed(stack, c) is not { } next) continue;
            foreach (int id in child.Tokens) allowed[id] = true;
            if (child.Children.Count > 0) Walk(child, next, allowed);
        }
    }

    /// <summary>Advances by the chosen token's text.</summary>
    /// <exception cref="InvalidOperationException">The token breaks the grammar (it was not allowed).</exception>
    public void Accept(int token) =>
        _state = (_trie.Texts[token] is { } text ? _state.Feed(text) : null)
            ?? throw new InvalidOperationException($"token {token} does not continue the JSON value here");
}
