using LlmLab.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// Chat datasets as JSONL in OpenAI's chat fine-tuning format: one object per line,
/// <c>{"messages":[{"role":"system|user|assistant|tool","content":"…"}, …]}</c>, a tool call as an assistant message with
/// <c>"tool_calls":[{"id":…,"type":"function","function":{"name":…,"arguments":"{…}"}}]</c> (arguments a JSON string,
/// as OpenAI writes them). We add two optional keys, <c>family</c> and <c>template</c>, that say which synthetic task a
/// line came from (the evaluation grades by family). The reader is strict: a line that is not a chat is an error
/// naming the file and line, never skipped. Stateless and thread-safe.
/// </summary>
public static class ChatJsonl
{
    static readonly string[] Roles = ["system", "user", "assistant", "tool"];

    /// <summary>Writes <paramref name="examples"/> to <paramref name="path"/> atomically (a temporary file renamed).</summary>
    public static void Write(string path, IEnumerable<SyntheticExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var sb = new StringBuilder();
        foreach (var x in examples) sb.Append(ToJson(x).ToJsonString()).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>One example as its JSONL object.</summary>
    public static JsonObject ToJson(SyntheticExample x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var messages = new JsonArray();
        foreach (var m in x.Messages)
        {
            var o = new JsonObject { ["role"] = m.Role.Value };
            if (m.Contents.OfType<FunctionCallContent>().FirstOrDefault() is { } call)
            {
                o["content"] = null;
                o["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = call.CallId, ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = JsonSerializer.Serialize(call.Arguments) },
                });
            }
            else if (m.Contents.OfType<FunctionResultContent>().FirstOrDefault() is { } result)
            {
                o["tool_call_id"] = result.CallId;
                o["content"] = result.Result as string ?? JsonSerializer.Serialize(result.Result);
            }
            else o["content"] = m.Text;
            messages.Add(o);
        }
        var line = new JsonObject { ["messages"] = messages };
        if (!string.IsNullOrEmpty(x.Family)) { line["family"] = x.Family; line["template"] = x.Template; }
        return line;
    }

    /// <summary>Reads every line of <paramref name="path"/> (blank lines are skipped).</summary>
    /// <exception cref="InputException">The file is missing, or a line is not a chat: not JSON, no messages, an unknown
    /// role, empty content, no assistant turn, a malformed tool call. The message names the file and line.</exception>
    public static IReadOnlyList<SyntheticExample> Read(string path) =>
        JsonlLines.ReadAll(path, "chat data file", Parse, "holds no conversation");

    /// <summary>One JSONL line; <paramref name="where"/> ("file:line") prefixes every error.</summary>
    /// <exception cref="InputException">The line is not a chat (see <see cref="Read"/>).</exception>
    public static SyntheticExample Parse(string line, string where)
    {
        var obj = JsonlLines.Object(line, where, "{\"messages\": [...]}");
        if (obj["messages"] is not JsonArray arr || arr.Count == 0)
            throw new InputException($"{where}: \"messages\" must be a non-empty array of {{\"role\", \"content\"}} objects");
        var messages = new List<ChatMessage>();
        for (int i = 0; i < arr.Count; i++) messages.Add(Message(arr[i], $"{where}: messages[{i}]"));
        if (!messages.Any(m => m.Role == ChatRole.Assistant))
            throw new InputException($"{where}: the conversation has no assistant turn: there is nothing to train on (add an assistant message)");
        string family = obj["family"] is JsonValue f && f.TryGetValue(out string? fs) ? fs : "";
        int template = obj["template"] is JsonValue t && t.TryGetValue(out int ti) ? ti : -1;
        return new SyntheticExample(family, template, messages);
    }

    static ChatMessage Message(JsonNode? node, string where)
    {
        if (node is not JsonObject m) throw new InputException($"{where} must be an object with \"role\" and \"content\"");
        string? role = m["role"] is JsonValue r && r.TryGetValue(out string? rs) ? rs : null;
        if (role is null || !Roles.Contains(role))
            throw new InputException($"{where}: unknown role '{role ?? "(none)"}': use one of {string.Join(", ", Roles)}");
        if (role == "assistant" && m["tool_calls"] is JsonArray calls && calls.Count > 0)
        {
            if (calls.Count > 1) throw new InputException($"{where}: one tool call per assistant message is supported (got {calls.Count})");
            var fn = calls[0]?["function"] as JsonObject ?? throw new InputException($"{where}.tool_calls[0] has no \"function\" object");
            string name = fn["name"] is JsonValue n && n.TryGetValue(out string? ns) && ns.Length > 0 ? ns
                : throw new InputException($"{where}.tool_calls[0].function.name must be a non-empty string");
            string argsText = fn["arguments"] is JsonValue a && a.TryGetValue(out string? s) ? s
                : throw new InputException($"{where}.tool_calls[0].function.arguments must be a string holding a JSON object");
            Dictionary<string, object?> args;
            try { args = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argsText)!.ToDictionary(kv => kv.Key, kv => (object?)kv.Value); }
            catch (JsonException) { throw new InputException($"{where}.tool_calls[0].function.arguments is not a JSON object: {argsText}"); }
            string id = calls[0]?["id"] is JsonValue iv && iv.TryGetValue(out string? ids) ? ids : "call_0";
            return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(id, name, args)]);
        }
        string? content = m["content"] is JsonValue c && c.TryGetValue(out string? cs) ? cs : null;
        if (string.IsNullOrEmpty(content))
            throw new InputException($"{where}: \"content\" must be a non-empty string (a {role} message with no text)");
        if (role == "tool")
        {
            string id = m["tool_call_id"] is JsonValue iv && iv.TryGetValue(out string? ids) ? ids : "call_0";
            return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(id, content)]);
        }
        return new ChatMessage(new ChatRole(role), content);
    }
}
