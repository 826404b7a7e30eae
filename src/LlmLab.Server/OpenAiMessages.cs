using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmLab.Server.JsonFields;

namespace LlmLab.Server;

/// <summary>Reads a chat request's <c>messages</c>: roles system/developer, user and assistant, content as a string or
/// an array of text parts; every other shape is a 400 naming the message and part (<c>messages[i].content[j]</c>).
/// Stateless and thread-safe.</summary>
internal static class OpenAiMessages
{
    static readonly HashSet<string> MessageFields = ["role", "content", "name"];

    /// <param name="messages">The <c>messages</c> field (null when absent).</param>
    public static List<ChatMessage> Read(JsonElement? messages)
    {
        if (messages is not { ValueKind: JsonValueKind.Array } || messages.Value.GetArrayLength() == 0)
            throw ApiError.BadField("messages", "messages must be a non-empty array of {role, content}");
        var list = new List<ChatMessage>();
        int i = 0;
        foreach (var m in messages.Value.EnumerateArray())
        {
            string where = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw ApiError.BadField(where, $"{where} must be an object with role and content");
            if (Get(m, "tool_calls") is not null || Get(m, "function_call") is not null)
                throw ApiError.BadField($"{where}.tool_calls",
                    $"{where}: tool calls are not supported yet (the Part 8 agents work adds them)");
            OnlyKnown(m, MessageFields, where + ".");
            string role = Get(m, "role") is { } r ? Str(r, $"{where}.role") : throw ApiError.BadField($"{where}.role",
                $"{where}.role must be a string");
            var chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => throw ApiError.BadField($"{where}.role",
                    $"{where}.role '{Short(role)}' is not supported: use system, developer, user or assistant (tools come with Part 8)"),
            };
            if (Get(m, "name") is { } name) Str(name, $"{where}.name");                  // accepted (OpenAI's optional author name), not rendered
            list.Add(new ChatMessage(chatRole, Content(m, where)));
        }
        return list;
    }

    static string Content(JsonElement m, string where)
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
