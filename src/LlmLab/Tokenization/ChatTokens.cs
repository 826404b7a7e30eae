namespace LlmLab.Tokenization;

/// <summary>
/// The special tokens of the chat format (Part 7): one marker per role, one to end a message, and two for tool use
/// (Part 8). Like ChatML's <c>&lt;|im_start|&gt;</c>/<c>&lt;|im_end|&gt;</c> they are single ids the model learns,
/// which no text a user types can produce (message content is always encoded with special tokens off:
/// <see cref="BpeTokenizer.EncodeOrdinary"/>).
/// </summary>
public static class ChatTokens
{
    /// <summary>Opens a system message.</summary>
    public const string System = "<|system|>";

    /// <summary>Opens a user message.</summary>
    public const string User = "<|user|>";

    /// <summary>Opens an assistant message (and, at the end of a prompt, the model's turn).</summary>
    public const string Assistant = "<|assistant|>";

    /// <summary>Ends every message; generation stops on it.</summary>
    public const string End = "<|end|>";

    /// <summary>Opens a tool call inside an assistant message: <c>&lt;|tool_call|&gt;{"name":…,"arguments":{…}}&lt;|end|&gt;</c>.</summary>
    public const string ToolCall = "<|tool_call|>";

    /// <summary>Opens a tool's result (the tool role's message).</summary>
    public const string ToolResult = "<|tool_result|>";

    /// <summary>All six, in the order their ids are given when added to a tokenizer.</summary>
    public static IReadOnlyList<string> All { get; } = [System, User, Assistant, End, ToolCall, ToolResult];

    /// <summary>True when <paramref name="tokenizer"/> has every chat token.</summary>
    public static bool HasAll(BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return All.All(tokenizer.SpecialTokens.ContainsKey);
    }

    /// <summary>
    /// The same tokenizer (merges, pattern, ids) with <paramref name="specials"/> added as special tokens: the ones it
    /// lacks get the ids <see cref="BpeTokenizer.VocabSize"/>, +1, … in the order given (the ones it has keep theirs), so
    /// every existing id means what it meant and a model trained on the base needs only new rows for the new ids
    /// (<c>LlmLab.Alignment.VocabularyGrowth</c>). A new object; the base is unchanged.
    /// </summary>
    /// <exception cref="InputException">An empty special token.</exception>
    public static BpeTokenizer WithSpecialTokens(this BpeTokenizer tokenizer, IEnumerable<string> specials)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(specials);
        var all = new Dictionary<string, int>(tokenizer.SpecialTokens, StringComparer.Ordinal);
        int next = tokenizer.VocabSize;
        foreach (string s in specials)
        {
            if (string.IsNullOrEmpty(s)) throw new InputException("a special token must be a non-empty string");
            if (!all.ContainsKey(s)) all[s] = next++;
        }
        return new BpeTokenizer(tokenizer.Name, tokenizer.Pattern, tokenizer.ByteIds.ToArray(), tokenizer.Merges, all,
            $"tokenizer '{tokenizer.Name}' with special tokens");
    }

    /// <summary>The tokenizer with the six chat tokens (<see cref="WithSpecialTokens"/>).</summary>
    public static BpeTokenizer WithChatTokens(this BpeTokenizer tokenizer) => tokenizer.WithSpecialTokens(All);
}
