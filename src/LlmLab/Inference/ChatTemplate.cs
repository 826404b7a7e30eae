using System.Text;
using System.Text.Json;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Inference;

/// <summary>
/// Renders a conversation into what a model continues, and says where the model's turn ends. Two templates:
/// <list type="bullet">
/// <item><see cref="Transcript"/>, for base models pretrained on plain text: each message as <c>Role: text</c> on its own
/// paragraph, then <c>Assistant:</c>; the turn ends where the model starts the next speaker's line (<see cref="Stops"/>).</item>
/// <item><see cref="Chat"/>, for fine-tuned models (Part 7): <c>&lt;|user|&gt;text&lt;|end|&gt;&lt;|assistant|&gt;</c>,
/// the markers being special tokens (<see cref="ChatTokens"/>) and the turn ending at the <c>&lt;|end|&gt;</c> id
/// (<see cref="StopTokenIds"/>). A tool call is <c>&lt;|assistant|&gt;&lt;|tool_call|&gt;{"name":…,"arguments":{…}}&lt;|end|&gt;</c>
/// (parallel calls of one turn each after their own marker, before the one end marker) and its result
/// <c>&lt;|tool_result|&gt;text&lt;|end|&gt;</c> (<see cref="ToolCallFormat"/>).</item>
/// </list>
/// <see cref="Encode"/> is the one way a conversation becomes ids, for training, the engine, <see cref="LocalChatClient"/>
/// and the server: markers become their ids, and message content is always encoded with special tokens off, so a user
/// who types "&lt;|assistant|&gt;" gets those characters, never the marker. Immutable and thread-safe.
/// </summary>
/// <param name="SystemPrefix">Put before a system message.</param>
/// <param name="UserPrefix">Put before a user message.</param>
/// <param name="AssistantPrefix">Put before an assistant message, and at the end to open the model's turn.</param>
/// <param name="Separator">After each message.</param>
public sealed record ChatTemplate(string SystemPrefix, string UserPrefix, string AssistantPrefix, string Separator)
{
    /// <summary>The plain transcript: "System: …", "User: …", "Assistant: …", separated by a blank line.</summary>
    public static ChatTemplate Transcript { get; } = new("System: ", "User: ", "Assistant:", "\n\n");

    /// <summary>The special-token chat format of <see cref="ChatTokens"/> (the tokenizer must have them).</summary>
    public static ChatTemplate Chat { get; } =
        new(ChatTokens.System, ChatTokens.User, ChatTokens.Assistant, ChatTokens.End) { UsesSpecialTokens = true };

    /// <summary>True when the prefixes and the separator are special tokens (one id each) rather than text.</summary>
    public bool UsesSpecialTokens { get; init; }

    /// <summary>The template's name as a checkpoint records it: "chat" or "transcript".</summary>
    public string Name => UsesSpecialTokens ? "chat" : "transcript";

    /// <summary>The template recorded as <paramref name="name"/> (<see cref="Name"/>).</summary>
    /// <exception cref="InputException">An unknown name.</exception>
    public static ChatTemplate FromName(string name) => name switch
    {
        "chat" => Chat,
        "transcript" => Transcript,
        _ => throw new InputException($"unknown chat template '{name}': use chat or transcript"),
    };

    /// <summary>The stop strings that end the assistant's turn: the start of any next message (none for the special
    /// format, which stops on an id: <see cref="StopTokenIds"/>).</summary>
    public IReadOnlyList<string> Stops => UsesSpecialTokens ? []
        : [Separator + UserPrefix.TrimEnd(), Separator + SystemPrefix.TrimEnd(), Separator + AssistantPrefix.TrimEnd()];

    /// <summary>The ids that end the assistant's turn: <c>&lt;|end|&gt;</c>'s for the special format, none for the transcript.</summary>
    /// <exception cref="InputException">The special format with a tokenizer that lacks its tokens.</exception>
    public IReadOnlyList<int> StopTokenIds(ITokenizer tokenizer) => UsesSpecialTokens ? [Special(tokenizer, Separator)] : [];

    /// <summary>The prompt text for <paramref name="messages"/> (with <paramref name="instructions"/> as a first system
    /// message when given), ending with the assistant's prefix. For display and the transcript; to get ids, use
    /// <see cref="Encode"/> (encoding this text would turn special-token text typed by a user into markers).</summary>
    /// <exception cref="InputException">No message, or a role the template does not know.</exception>
    public string Render(IEnumerable<ChatMessage> messages, string? instructions = null)
    {
        var sb = new StringBuilder();
        foreach (var (text, _, _) in Segments(messages, instructions, addGenerationPrompt: true)) sb.Append(text);
        return sb.ToString();
    }

    /// <summary>
    /// The ids of <paramref name="messages"/> and which of them are the assistant's. With
    /// <paramref name="addGenerationPrompt"/> the ids end with the assistant's prefix (a prompt for generation);
    /// without, they end with the last message's separator (a training example).
    /// </summary>
    /// <exception cref="InputException">No message, an unknown role, or the special format with a tokenizer that lacks
    /// the chat tokens.</exception>
    public ChatEncoding Encode(IEnumerable<ChatMessage> messages, ITokenizer tokenizer, bool addGenerationPrompt, string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var ids = new List<int>();
        var mask = new List<bool>();
        foreach (var (text, special, assistant) in Segments(messages, instructions, addGenerationPrompt))
        {
            int before = ids.Count;
            if (special) ids.Add(Special(tokenizer, text));
            else ids.AddRange(Plain(tokenizer, text));
            for (int i = before; i < ids.Count; i++) mask.Add(assistant);
        }
        return new ChatEncoding(ids.ToArray(), mask.ToArray());
    }

    /// <summary>The text of a tool call as the special format writes it after <c>&lt;|tool_call|&gt;</c>:
    /// <c>{"name":"…","arguments":{…}}</c>.</summary>
    public static string ToolCallJson(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return JsonSerializer.Serialize(new { name = call.Name, arguments = call.Arguments ?? new Dictionary<string, object?>() });
    }

    /// <summary>The pieces in order: (text, is it one special token, is it the assistant's).</summary>
    IEnumerable<(string Text, bool Special, bool Assistant)> Segments(IEnumerable<ChatMessage> messages, string? instructions, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        bool sp = UsesSpecialTokens;
        if (!string.IsNullOrEmpty(instructions))
        {
            yield return (SystemPrefix, sp, false);
            yield return (instructions, false, false);
            yield return (Separator, sp, false);
        }
        int n = 0;
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.System || m.Role == ChatRole.User)
            {
                yield return (m.Role == ChatRole.System ? SystemPrefix : UserPrefix, sp, false);
                yield return (m.Text, false, false);
                yield return (Separator, sp, false);
            }
            else if (m.Role == ChatRole.Assistant)
            {
                yield return (AssistantPrefix, sp, false);
                var calls = m.Contents.OfType<FunctionCallContent>().ToList();
                if (calls.Count > 0 && !sp)
                    throw new InputException($"message {n}: tool calls need the special-token chat template (ChatTemplate.Chat)");
                foreach (var call in calls) { yield return (ChatTokens.ToolCall, true, true); yield return (ToolCallJson(call), false, true); }
                if (calls.Count == 0) yield return ((sp ? "" : " ") + m.Text, false, true);
                yield return (Separator, sp, true); // the end marker is the assistant's: it learns to stop
            }
            else if (m.Role == ChatRole.Tool && sp)
            {
                yield return (ChatTokens.ToolResult, true, false);
                yield return (ToolResultText(m), false, false);
                yield return (Separator, sp, false);
            }
            else throw new InputException($"message {n}: role '{m.Role}' is not supported by the {Name} chat template " +
                (sp ? "(system, user, assistant, tool)" : "(system, user, assistant; tool messages need the special-token template)"));
            n++;
        }
        if (n == 0) throw new InputException("the conversation has no message: send at least one user message");
        if (addGenerationPrompt) yield return (AssistantPrefix, sp, false);
    }

    static string ToolResultText(ChatMessage m)
    {
        var results = m.Contents.OfType<FunctionResultContent>().ToList();
        if (results.Count == 0) return m.Text;
        return string.Join("\n", results.Select(r => r.Result switch
        {
            null => "",
            string s => s,
            var o => JsonSerializer.Serialize(o),
        }));
    }

    static int Special(ITokenizer tokenizer, string token) =>
        tokenizer is BpeTokenizer bpe && bpe.SpecialTokens.TryGetValue(token, out int id) ? id
        : throw new InputException($"the tokenizer has no special token '{token}': the chat template needs the chat tokens " +
            "(BpeTokenizer.WithChatTokens, and a model grown to match: VocabularyGrowth), or use the transcript template");

    /// <summary>Content with special tokens off: text is only ever text.</summary>
    static int[] Plain(ITokenizer tokenizer, string text) =>
        text.Length == 0 ? [] : tokenizer is BpeTokenizer bpe ? bpe.EncodeOrdinary(text) : tokenizer.Encode(text);
}
