using System.Text.Json;
using LlmLab.Inference;

namespace LlmLab.Server;

/// <summary>A choice's reply as OpenAI <c>tool_calls</c>: the calls lab 7.1's format holds (<see cref="ToolCallFormat.Parse"/>),
/// each with a fresh id, its name and its arguments as a JSON string. A reply that is not wholly calls stays content
/// (a reply cut by max_tokens, a text answer under auto). With parallel_tool_calls false only the first call is kept.
/// Stateless and thread-safe.</summary>
internal static class ToolReplies
{
    /// <summary>The calls of <paramref name="text"/>, or null when the request reads none or the reply is text.</summary>
    public static IReadOnlyList<(string Name, JsonElement Arguments)>? Calls(ToolRequest? tools, string text)
    {
        if (tools is not { ReadsCalls: true } || ToolCallFormat.Parse(text) is not { } calls) return null;
        return tools.Parallel ? calls : [calls[0]];
    }

    /// <summary>A new call id in OpenAI's style (<c>call_</c> and 24 characters).</summary>
    public static string NewId() => "call_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>The <c>message.tool_calls</c> array of a whole response.</summary>
    public static object[] Whole(IReadOnlyList<(string Name, JsonElement Arguments)> calls) =>
        [.. calls.Select(c => new { id = NewId(), type = "function",
            function = new { name = c.Name, arguments = c.Arguments.GetRawText() } })];

    /// <summary>The assistant message of a whole chat response, and its finish reason.</summary>
    public static (object Message, string Finish) Message(ToolRequest? tools, GenerationResult r) =>
        Calls(tools, r.Text) is { } calls
            ? (new { role = "assistant", content = (string?)null, tool_calls = Whole(calls) }, "tool_calls")
            : (new { role = "assistant", content = r.Text.TrimStart() }, OpenAiResponses.FinishReasonText(r.Finish));
}
