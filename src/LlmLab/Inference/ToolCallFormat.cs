using System.Text.Json;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Inference;

/// <summary>
/// Lab 7.1's tool-call format, shared by everything that gives tools to a model fine-tuned on it (the agent's
/// ToolCallChatClient in LlmLab.Agents and <c>llmlab serve</c>'s OpenAI <c>tools</c>), so the prompt a served model sees
/// is the one it was trained on (Alignment.ToolCallFamily writes the training data):
/// <list type="bullet">
/// <item>the offered tools are one system message, <c>Tools: name(arg, …), …. Answer with one tool call.</c>, which
/// replaces the conversation's own system messages (the model only ever saw that one);</item>
/// <item>a call is <c>&lt;|tool_call|&gt;{"name":…,"arguments":{…}}</c> in an assistant turn (several calls of one turn
/// follow each other, each after its own marker) and a result is a <c>&lt;|tool_result|&gt;</c> turn
/// (<see cref="ChatTemplate.Chat"/> renders both).</item>
/// </list>
/// Stateless and thread-safe.
/// </summary>
public static class ToolCallFormat
{
    /// <summary>The sentence that ends the tool list.</summary>
    public const string Instruction = "Answer with one tool call.";

    /// <summary>The system message listing <paramref name="tools"/>: each name with its parameter names in order.</summary>
    public static string ToolList(IEnumerable<(string Name, IReadOnlyList<string> Parameters)> tools) =>
        "Tools: " + string.Join(", ", tools.Select(t => $"{t.Name}({string.Join(", ", t.Parameters)})")) + ". " + Instruction;

    /// <summary>The property names of a JSON Schema for a function's parameters, in the schema's order (none when it
    /// has no <c>properties</c> object).</summary>
    public static IReadOnlyList<string> ParameterNames(JsonElement? schema) =>
        schema is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? [.. p.EnumerateObject().Select(x => x.Name)] : [];

    /// <summary>The conversation as the model was trained to see it: <paramref name="toolList"/> as the only system
    /// message, then the other messages in order.</summary>
    public static List<ChatMessage> WithToolList(IEnumerable<ChatMessage> messages, string toolList) =>
        [new ChatMessage(ChatRole.System, toolList), .. messages.Where(m => m.Role != ChatRole.System)];

    /// <summary>
    /// The calls in a model's reply: one or more <c>&lt;|tool_call|&gt;{"name":string,"arguments":object}</c> (or a
    /// single bare such object, as a reply decoded after a forced marker is), with nothing else but whitespace around
    /// them. Null when the reply is not wholly calls, so a text answer stays text.
    /// </summary>
    public static IReadOnlyList<(string Name, JsonElement Arguments)>? Parse(string? text)
    {
        string t = (text ?? "").Trim();
        if (t.Length == 0) return null;
        string[] pieces;
        if (t.StartsWith(ChatTokens.ToolCall, StringComparison.Ordinal))
            pieces = t[ChatTokens.ToolCall.Length..].Split(ChatTokens.ToolCall);
        else if (t[0] == '{') pieces = [t];
        else return null;
        var calls = new List<(string, JsonElement)>(pieces.Length);
        foreach (string piece in pieces)
        {
            if (One(piece) is not { } call) return null;
            calls.Add(call);
        }
        return calls;
    }

    static (string, JsonElement)? One(string piece)
    {
        try
        {
            using var doc = JsonDocument.Parse(piece);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("arguments", out var a) || a.ValueKind != JsonValueKind.Object
                || root.EnumerateObject().Count() != 2 || n.GetString() is not { Length: > 0 } name) return null;
            return (name, a.Clone());
        }
        catch (JsonException) { return null; }
        catch (InvalidOperationException) { return null; }                              // text that is not valid Unicode
    }
}
