using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmLab.Server.JsonFields;

namespace LlmLab.Server;

/// <summary>Reads a chat request's <c>messages</c>: roles system/developer, user and assistant, content as a string or
/// an array of text parts, and for a model with lab 7.1's tool-call format (<see cref="OpenAiTools.HasFormat"/>) an
/// assistant's <c>tool_calls</c> and <c>role: tool</c> results answering an earlier call; every other shape is a 400
/// naming the message and part (<c>messages[i].content[j]</c>). Stateless and thread-safe.</summary>
internal static class OpenAiMessages
{
    static readonly HashSet<string> MessageFields = ["role", "content", "name"];
    static readonly HashSet<string> ToolFormatFields = [.. MessageFields, "tool_calls", "tool_call_id"];

    /// <param name="messages">The <c>messages</c> field (null when absent).</param>
    /// <param name="toolFormat">The model has the tool-call format: tool calls and results are accepted.</param>
    public static List<ChatMessage> Read(JsonElement? messages, bool toolFormat = false)
    {
        if (messages is not { ValueKind: JsonValueKind.Array } || messages.Value.GetArrayLength() == 0)
            throw ApiError.BadField("messages", "messages must be a non-empty array of {role, content}");
        var list = new List<ChatMessage>();
        var callIds = new HashSet<string>();
        int i = 0;
        foreach (var m in messages.Value.EnumerateArray())
        {
            string where = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw ApiError.BadField(where, $"{where} must be an object with role and content");
            if (Get(m, "function_call") is not null)
                throw ApiError.BadField($"{where}.function_call", $"{where}: function_call is the deprecated form: send tool_calls");
            if (!toolFormat && (Get(m, "tool_calls") is not null || Get(m, "tool_call_id") is not null))
                throw ApiError.BadField($"{where}.tool_calls",
                    $"{where}: tool calls need a model fine-tuned with lab 7.1's tool-call format (a chat checkpoint with <|tool_call|>)");
            OnlyKnown(m, toolFormat ? ToolFormatFields : MessageFields, where + ".");
            string role = Get(m, "role") is { } r ? Str(r, $"{where}.role") : throw ApiError.BadField($"{where}.role",
                $"{where}.role must be a string");
            var chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "tool" when toolFormat => ChatRole.Tool,
                _ => throw ApiError.BadField($"{where}.role", $"{where}.role '{Short(role)}' is not supported: use system, developer, user " +
                    (toolFormat ? "assistant or tool" : "or assistant (tool messages need a model with lab 7.1's tool-call format)")),
            };
            if (Get(m, "name") is { } name) Str(name, $"{where}.name");                  // accepted (OpenAI's optional author name), not rendered
            if (chatRole != ChatRole.Assistant && Get(m, "tool_calls") is not null)
                throw ApiError.BadField($"{where}.tool_calls", $"{where}.tool_calls is only allowed on an assistant message");
            if (chatRole != ChatRole.Tool && Get(m, "tool_call_id") is not null)
                throw ApiError.BadField($"{where}.tool_call_id", $"{where}.tool_call_id is only allowed on a tool message");
            if (chatRole == ChatRole.Assistant && Get(m, "tool_calls") is { } calls)
                list.Add(OpenAiToolMessages.Calls(calls, Content(m, where), where, callIds));
            else if (chatRole == ChatRole.Tool) list.Add(OpenAiToolMessages.Result(m, Content(m, where), where, callIds));
            else list.Add(new ChatMessage(chatRole, Content(m, where)));
        }
        return list;
    }

    internal static string Content(JsonElement m, string where)
    {
        var c = Get(m, "content");
        if (c is null) return "";
        if (c.Value.ValueKind == JsonValueKind.String) return Str(c.Value, $"{where}.content");
        if (c.Value.ValueKind != JsonValueKind.Array) throw ApiError.BadField($"{where}.content",
            $"{where}.content must be a string or an array of text parts");
        var parts = new List<string>();
        int j = 0;
        foreach (var part in c.Value.EnumerateArray())
        {
            string at = $"{where}.content[{j++}]";
            if (part.ValueKind != JsonValueKind.Object || Get(part, "type") is not { ValueKind: JsonValueKind.String } type)
                throw ApiError.BadField(at, $"{at} must be a part object like {{\"type\": \"text\", \"text\": \"...\"}}");
            string kind = Str(type, $"{at}.type");
            if (kind != "text") throw ApiError.BadField(at, $"{at}: only text parts are supported (got type '{Short(kind)}')");
            OnlyKnown(part, new HashSet<string> { "type", "text" }, at + ".");
            parts.Add(Get(part, "text") is { } t ? Str(t, $"{at}.text") : throw ApiError.BadField($"{at}.text",
                $"{at}.text must be a string"));
        }
        return string.Concat(parts);
    }

    /// <summary>A value quoted back in a message, cut short and without control characters.</summary>
    internal static string Short(string s) => new(s.Take(40).Select(ch => char.IsControl(ch) ? '?' : ch).ToArray());
}
