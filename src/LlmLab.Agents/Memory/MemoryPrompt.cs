using System.Globalization;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Memory;

/// <summary>
/// How memories enter a prompt (MemGPT's "main context": instructions, then what is recalled, then the summary of
/// turns evicted from this session, then the recent turns). One renderer for the chat and for the evaluation's
/// baselines, so token counts compare like with like. Immutable.
/// </summary>
/// <param name="Instructions">The system text, memories and summary included.</param>
/// <param name="Messages">The turns of the conversation, oldest first, ending with the user's message.</param>
public sealed record MemoryPrompt(string Instructions, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>The persona every prompt starts with.</summary>
    public const string Persona = "You are a helpful assistant with a long-term memory of this user. Use what you remember when it " +
        "answers the question; if it does not, say you don't know.";

    /// <summary>Builds the prompt.</summary>
    public static MemoryPrompt Build(IEnumerable<MemoryRecord> memories, string? summary, IEnumerable<ChatMessage> turns)
    {
        var text = new System.Text.StringBuilder(Persona);
        var list = memories.ToList();
        if (list.Count > 0)
        {
            text.Append("\n\nWhat you remember about the user:");
            foreach (var m in list)
                text.Append("\n- [").Append(m.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("] ").Append(m.Text);
        }
        if (!string.IsNullOrWhiteSpace(summary)) text.Append("\n\nEarlier in this conversation: ").Append(summary);
        return new MemoryPrompt(text.ToString(), turns.ToList());
    }

    /// <summary>Tokens of the whole prompt under <paramref name="countTokens"/> (instructions and every turn).</summary>
    public int Tokens(Func<string, int> countTokens) => countTokens(Instructions) + Messages.Sum(m => countTokens(m.Text));
}
