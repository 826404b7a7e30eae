using LlmLab.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// Preference pairs as JSONL, one object a line in the common form <c>{"prompt", "chosen", "rejected"}</c> (TRL's
/// preference datasets): <c>prompt</c> is a string (one user turn) or an array of <c>{"role","content"}</c> messages
/// (system/user); <c>chosen</c> and <c>rejected</c> are strings. Optional keys: <c>family</c> (a task family whose checker
/// applies), <c>template</c>, <c>source</c>. Reading is strict: any other key, a missing or empty field, or identical
/// chosen and rejected replies is an <see cref="InputException"/> naming the file, the line and the key. Thread-safe.
/// </summary>
public static class PreferenceJsonl
{
    static readonly string[] Keys = ["prompt", "chosen", "rejected", "family", "template", "source"];

    /// <summary>Writes <paramref name="pairs"/> atomically (a temporary file renamed).</summary>
    public static void Write(string path, IEnumerable<PreferencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var sb = new StringBuilder();
        foreach (var p in pairs) sb.Append(ToJson(p).ToJsonString()).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>One pair as its JSONL object (the prompt as a message array, so a system turn survives).</summary>
    public static JsonObject ToJson(PreferencePair p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var prompt = new JsonArray(p.Prompt.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role.Value, ["content"] = m.Text }).ToArray());
        var o = new JsonObject { ["prompt"] = prompt, ["chosen"] = p.Chosen, ["rejected"] = p.Rejected };
        if (p.Family is not null) { o["family"] = p.Family; o["template"] = p.Template; }
        if (p.Source is not null) o["source"] = p.Source;
        return o;
    }

    /// <summary>Every pair of <paramref name="path"/> (blank lines skipped).</summary>
    /// <exception cref="InputException">A missing file, no pair, or a bad line (named with its key).</exception>
    public static IReadOnlyList<PreferencePair> Read(string path) =>
        JsonlLines.ReadAll(path, "preference file", Parse,
            "holds no pair: one JSON object a line with \"prompt\", \"chosen\", \"rejected\"");

    /// <summary>One line; <paramref name="where"/> ("file:line") starts every error.</summary>
    /// <exception cref="InputException">The line is not a valid pair.</exception>
    public static PreferencePair Parse(string line, string where)
    {
        var o = JsonlLines.Object(line, where, "{\"prompt\", \"chosen\", \"rejected\"}");
        foreach (var (key, _) in o)
            if (!Keys.Contains(key)) throw new InputException($"{where}: unknown key \"{key}\" (keys: {string.Join(", ", Keys)})");
        var prompt = Prompt(o["prompt"], where);
        string chosen = Text(o, "chosen", where), rejected = Text(o, "rejected", where);
        if (chosen == rejected)
            throw new InputException($"{where}: \"chosen\" and \"rejected\" are identical: a pair must prefer one reply over a different one");
        string? family = null;
        if (o["family"] is { } f)
        {
            family = f is JsonValue fv && fv.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s
                : throw new InputException($"{where}: \"family\" must be a task family's name");
            try { TaskFamilies.ByName(family); }
            catch (InputException e) { throw new InputException($"{where}: \"family\": {e.Message}"); }
        }
        int template = -1;
        if (o["template"] is { } t && !(t is JsonValue tv && tv.TryGetValue(out template) && template >= 0))
            throw new InputException($"{where}: \"template\" must be an integer >= 0");
        string? source = o["source"] is null ? null
            : o["source"] is JsonValue sv && sv.TryGetValue(out string? src) ? src : throw new InputException($"{where}: \"source\" must be a string");
        return new PreferencePair(prompt, chosen, rejected, family, template, source);
    }

    static string Text(JsonObject o, string key, string where) =>
        o[key] is null ? throw new InputException($"{where}: missing key \"{key}\" (each line needs \"prompt\", \"chosen\" and \"rejected\")")
        : o[key] is JsonValue v && v.TryGetValue(out string? s) && s.Trim().Length > 0 ? s
        : throw new InputException($"{where}: \"{key}\" must be a non-empty string");

    static IReadOnlyList<ChatMessage> Prompt(JsonNode? node, string where)
    {
        switch (node)
        {
            case null: throw new InputException($"{where}: missing key \"prompt\" (each line needs \"prompt\", \"chosen\" and \"rejected\")");
            case JsonValue v when v.TryGetValue(out string? s) && s.Trim().Length > 0: return [new ChatMessage(ChatRole.User, s)];
            case JsonArray a when a.Count > 0:
                var list = new List<ChatMessage>();
                for (int i = 0; i < a.Count; i++)
                {
                    string at = $"{where}: \"prompt\"[{i}]";
                    if (a[i] is not JsonObject m) throw new InputException($"{at} must be an object with \"role\" and \"content\"");
                    string? role = m["role"] is JsonValue r && r.TryGetValue(out string? rs) ? rs : null;
                    if (role is not ("system" or "user"))
                        throw new InputException($"{at}: \"role\" must be system or user (got {role ?? "(none)"}); the replies go in chosen/rejected");
                    string content = m["content"] is JsonValue c && c.TryGetValue(out string? cs) && cs.Trim().Length > 0 ? cs
                        : throw new InputException($"{at}: \"content\" must be a non-empty string");
                    list.Add(new ChatMessage(role == "system" ? ChatRole.System : ChatRole.User, content));
                }
                if (list.All(m => m.Role != ChatRole.User)) throw new InputException($"{where}: \"prompt\" has no user message");
                return list;
            default: throw new InputException($"{where}: \"prompt\" must be a non-empty string or an array of {{\"role\",\"content\"}} messages");
        }
    }
}
