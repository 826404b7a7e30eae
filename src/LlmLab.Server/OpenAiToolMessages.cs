using System.Text.Json;
using Microsoft.Extensions.AI;
using static LlmLab.Server.JsonFields;

namespace LlmLab.Server;

/// <summary>Reads the tool parts of a chat history (OpenAI's shapes) into Microsoft.Extensions.AI contents that
/// <see cref="Inference.ChatTemplate.Chat"/> renders as lab 7.1's <c>&lt;|tool_call|&gt;</c> and <c>&lt;|tool_result|&gt;</c>
/// turns: an assistant's <c>tool_calls</c> (<c>{id, type: "function", function: {name, arguments: "a JSON object as
/// text"}}</c>) and a <c>role: tool</c> message answering one of them by <c>tool_call_id</c>. Stateless and thread-safe.</summary>
internal static class OpenAiToolMessages
{
    static readonly HashSet<string> CallFields = ["id", "type", "function"];
    static readonly HashSet<string> FunctionFields = ["name", "arguments"];

    /// <summary>An assistant message's calls; their ids go into <paramref name="callIds"/> for the results that follow.</summary>
    public static ChatMessage Calls(JsonElement calls, string content, string where, HashSet<string> callIds)
    {
        if (calls.ValueKind != JsonValueKind.Array || calls.GetArrayLength() == 0)
            throw ApiError.BadField($"{where}.tool_calls", $"{where}.tool_calls must be a non-empty array of calls");
        if (content.Length > 0)
            throw ApiError.BadField($"{where}.content", $"{where}.content must be empty beside tool_calls: lab 7.1's format has no text in a " +
                "turn that calls a tool");
        var contents = new List<AIContent>();
        int j = 0;
        foreach (var c in calls.EnumerateArray())
        {
            string at = $"{where}.tool_calls[{j++}]";
            if (c.ValueKind != JsonValueKind.Object) throw ApiError.BadField(at, $"{at} must be an object with id, type and function");
            OnlyKnown(c, CallFields, at + ".");
            string id = OptionalText(c, "id", $"{at}.id") ?? throw ApiError.BadField($"{at}.id", $"{at}.id is required");
            if (OptionalText(c, "type", $"{at}.type") is { } type && type != "function")
                throw ApiError.BadField($"{at}.type", $"{at}.type must be \"function\"");
            if (Get(c, "function") is not { ValueKind: JsonValueKind.Object } f)
                throw ApiError.BadField($"{at}.function", $"{at}.function must be an object with name and arguments");
            OnlyKnown(f, FunctionFields, $"{at}.function.");
            string name = OptionalText(f, "name", $"{at}.function.name") is { Length: > 0 } n ? n
                : throw ApiError.BadField($"{at}.function.name", $"{at}.function.name must be a non-empty string");
            string text = OptionalText(f, "arguments", $"{at}.function.arguments") ?? "{}";
            Dictionary<string, object?> args;
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException();
                args = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
            }
            catch (JsonException)
            {
                throw ApiError.BadField($"{at}.function.arguments", $"{at}.function.arguments must be a JSON object written as a string");
            }
            if (!callIds.Add(id)) throw ApiError.BadField($"{at}.id", $"{at}.id '{OpenAiMessages.Short(id)}' is used twice");
            contents.Add(new FunctionCallContent(id, name, args));
        }
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    /// <summary>A tool message: the result of the earlier call its <c>tool_call_id</c> names.</summary>
    public static ChatMessage Result(JsonElement m, string content, string where, HashSet<string> callIds)
    {
        string id = OptionalText(m, "tool_call_id", $"{where}.tool_call_id") ?? throw ApiError.BadField($"{where}.tool_call_id",
            $"{where}.tool_call_id is required on a tool message");
        if (!callIds.Contains(id))
            throw ApiError.BadField($"{where}.tool_call_id", $"{where}.tool_call_id '{OpenAiMessages.Short(id)}' answers no earlier " +
                "assistant tool call");
        return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(id, content)]);
    }
}
