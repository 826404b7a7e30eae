using LlmLab.Inference;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// One generated conversation: the family and surface template it came from, and its messages (system and user turns,
/// then the assistant's reference reply as the last message). Immutable.
/// </summary>
/// <param name="Family">The task family's name (<see cref="TaskFamily.Name"/>).</param>
/// <param name="Template">The surface template's index within the family.</param>
/// <param name="Messages">The conversation; the last message is the assistant's reference reply.</param>
public sealed record SyntheticExample(string Family, int Template, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>The conversation without its last (assistant) message: what the model is asked.</summary>
    public IReadOnlyList<ChatMessage> Prompt => Messages.Take(Messages.Count - 1).ToArray();

    /// <summary>The reference reply as text the family's checker reads: the message's text, or for a tool call
    /// <c>&lt;|tool_call|&gt;{"name":…,"arguments":{…}}</c>.</summary>
    public string ReferenceText => ReplyText(Messages[^1]);

    /// <summary>The text of an assistant message as a checker reads it (a tool call in its <see cref="ChatTokens.ToolCall"/> form).</summary>
    public static string ReplyText(ChatMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return m.Contents.OfType<FunctionCallContent>().FirstOrDefault() is { } call ? ChatTokens.ToolCall + ChatTemplate.ToolCallJson(call) : m.Text;
    }

    /// <summary>The user's text joined (what dedup compares between the train and test sets).</summary>
    public string UserText => string.Join("\n", Messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
}
