using LlmLab.Inference;
using LlmLab.Tokenization;

namespace LlmLab.Alignment;

/// <summary>
/// A preference pair as ids: the prompt through the chat template (ending with the assistant's marker), and each reply's
/// ids up to and including <c>&lt;|end|&gt;</c> (a reply that starts with <c>&lt;|tool_call|&gt;</c> gets that marker's
/// id, the rest as plain text: exactly what <see cref="ChatTemplate.Encode"/> makes of an assistant message). Immutable.
/// </summary>
/// <param name="Prompt">The prompt's ids.</param>
/// <param name="Chosen">The chosen reply's ids.</param>
/// <param name="Rejected">The rejected reply's ids.</param>
public sealed record EncodedPair(int[] Prompt, int[] Chosen, int[] Rejected)
{
    /// <summary>Tokens of the longer of the two sequences, prompt included.</summary>
    public int Length => Prompt.Length + Math.Max(Chosen.Length, Rejected.Length);

    /// <summary>Encodes <paramref name="pair"/> with the special-token chat template.</summary>
    /// <exception cref="InputException">The tokenizer lacks the chat tokens (a model not fine-tuned with them).</exception>
    public static EncodedPair Encode(PreferencePair pair, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var prompt = ChatTemplate.Chat.Encode(pair.Prompt, tokenizer, addGenerationPrompt: true).Ids;
        return new EncodedPair(prompt, Reply(pair.Chosen, tokenizer), Reply(pair.Rejected, tokenizer));
    }

    /// <summary>A reply's ids, ending with <c>&lt;|end|&gt;</c>.</summary>
    /// <exception cref="InputException">The tokenizer lacks the chat tokens.</exception>
    public static int[] Reply(string text, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenizer);
        int end = Special(tokenizer, ChatTokens.End);
        var ids = new List<int>();
        if (text.StartsWith(ChatTokens.ToolCall, StringComparison.Ordinal))
        {
            ids.Add(Special(tokenizer, ChatTokens.ToolCall));
            text = text[ChatTokens.ToolCall.Length..];
        }
        if (text.Length > 0) ids.AddRange(tokenizer.EncodeOrdinary(text));
        ids.Add(end);
        return ids.ToArray();
    }

    static int Special(BpeTokenizer tokenizer, string token) => tokenizer.SpecialTokens.TryGetValue(token, out int id) ? id
        : throw new InputException($"the tokenizer has no special token '{token}': preference training needs a chat model (fine-tuned with the " +
            "chat tokens, e.g. by 'llmlab sft') and its tokenizer");
}
