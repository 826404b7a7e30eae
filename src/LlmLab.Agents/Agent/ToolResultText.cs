using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>A tool's result as the text a model reads, whatever produced it: a local <see cref="AIFunction"/> (a string,
/// or a JSON string element) or an MCP tool (a CallToolResult: its text contents joined, <c>isError</c> reported).</summary>
public static class ToolResultText
{
    /// <summary>The text of <paramref name="result"/>, and whether the tool reported an error.</summary>
    public static (string Text, bool IsError) From(object? result)
    {
        switch (result)
        {
            case null: return ("", false);
            case string s: return (s, false);
            case JsonElement { ValueKind: JsonValueKind.String } e: return (e.GetString() ?? "", false);
            case JsonElement { ValueKind: JsonValueKind.Object } e when e.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.Array:
                bool error = e.TryGetProperty("isError", out var ie) && ie.ValueKind == JsonValueKind.True;
                var texts = content.EnumerateArray()
                    .Where(c => c.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    .Select(c => c.GetProperty("text").GetString());
                return (string.Join("\n", texts), error);
            case JsonElement e: return (e.GetRawText(), false);
            case TextContent t: return (t.Text, false);
            default: return (JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions), false);
        }
    }
}
