using System.Text;
using Microsoft.Extensions.AI;

namespace LlmLab.Inference;

/// <summary>
/// Renders a conversation into the prompt text a model continues, and says where the model's turn ends. Our models are
/// pretrained on plain text (no special chat tokens yet; SFT comes in Part 7), so the default template is a plain
/// transcript — each message as <c>Role: text</c> on its own paragraph, then <c>Assistant:</c> — and the assistant's
/// turn ends where the model starts the next speaker's line. Immutable and thread-safe.
/// </summary>
/// <param name="SystemPrefix">Put before a system message.</param>
/// <param name="UserPrefix">Put before a user message.</param>
/// <param name="AssistantPrefix">Put before an assistant message, and at the end to open the model's turn.</param>
/// <param name="Separator">Between messages.</param>
public sealed record ChatTemplate(string SystemPrefix, string UserPrefix, string AssistantPrefix, string Separator)
{
    /// <summary>The plain transcript: "System: …", "User: …", "Assistant: …", separated by a blank line.</summary>
    public static ChatTemplate Transcript { get; } = new("System: ", "User: ", "Assistant:", "\n\n");

    /// <summary>The stop strings that end the assistant's turn: the start of any next message.</summary>
    public IReadOnlyList<string> Stops => [Separator + UserPrefix.TrimEnd(), Separator + SystemPrefix.TrimEnd(), Separator + AssistantPrefix.TrimEnd()];

    /// <summary>The prompt for <paramref name="messages"/> (with <paramref name="instructions"/> as a first system
    /// message when given), ending with the assistant's prefix.</summary>
    /// <exception cref="InputException">No message, or a role the template does not know (tool messages need Part 8's agent).</exception>
    public string Render(IEnumerable<ChatMessage> messages, string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder();
        int n = 0;
        if (!string.IsNullOrEmpty(instructions)) sb.Append(SystemPrefix).Append(instructions).Append(Separator);
        foreach (var m in messages)
        {
            string prefix = m.Role == ChatRole.System ? SystemPrefix
                : m.Role == ChatRole.User ? UserPrefix
                : m.Role == ChatRole.Assistant ? AssistantPrefix + " "
                : throw new InputException($"message {n}: role '{m.Role}' is not supported by the chat template (system, user, assistant)");
            sb.Append(prefix).Append(m.Text).Append(Separator);
            n++;
        }
        if (n == 0) throw new InputException("the conversation has no message: send at least one user message");
        return sb.Append(AssistantPrefix).ToString();
    }
}
