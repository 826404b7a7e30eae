using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Lab 7.3's hand-written held-out prompts: 56 unsafe (8 per policy category) and 56 safe-looking (8 per XSTest type),
/// written by hand in other words than any generator template (a test checks that none equals or nearly equals a
/// generated prompt), so a gate's score on them measures generalisation, not template recall. Shipped as an embedded
/// JSONL resource, one <c>{"prompt","label":"unsafe|safe","category"}</c> object per line; the same strict reader
/// reads a user's own file. Stateless and thread-safe.
/// </summary>
public static class HeldOutSet
{
    /// <summary>The resource's logical name.</summary>
    public const string ResourceName = "LlmLab.Alignment.Refusal.refusal-heldout.jsonl";

    static readonly string[] Keys = ["prompt", "label", "category"];

    /// <summary>The built-in hand-written set.</summary>
    public static IReadOnlyList<RefusalPrompt> BuiltIn()
    {
        using var s = typeof(HeldOutSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from the LlmLab assembly (a build problem)");
        using var reader = new StreamReader(s);
        return Parse(reader.ReadToEnd(), ResourceName);
    }

    /// <summary>Reads a labelled prompt file (the format above).</summary>
    /// <exception cref="InputException">A missing file, or a bad line (named with its number and key).</exception>
    public static IReadOnlyList<RefusalPrompt> Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"labelled prompt file '{path}' does not exist");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses JSONL text; <paramref name="where"/> names it in errors. Strict: unknown keys, a missing or empty
    /// prompt, a label other than unsafe/safe, an unknown unsafe category and duplicate prompts are errors.</summary>
    /// <exception cref="InputException">The first bad line, named.</exception>
    public static IReadOnlyList<RefusalPrompt> Parse(string text, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<RefusalPrompt>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int n = 0;
        foreach (string line in text.Split('\n'))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string at = $"{where}:{n}";
            JsonObject o;
            try { o = JsonNode.Parse(line) as JsonObject ?? throw new InputException($"{at}: each line must be a JSON object " +
                $"{{\"prompt\",\"label\"}}"); }
            catch (JsonException e) { throw new InputException($"{at}: not valid JSON ({e.Message.Split('.')[0]})"); }
            foreach (var kv in o)
                if (!Keys.Contains(kv.Key)) throw new InputException($"{at}: unknown key '{kv.Key}': use {string.Join(", ", Keys)}");
            string prompt = Str(o, "prompt", at);
            string label = Str(o, "label", at);
            if (label is not ("unsafe" or "safe"))
                throw new InputException($"{at}: \"label\" must be \"unsafe\" or \"safe\" (got '{label}')");
            string category = o.ContainsKey("category") ? Str(o, "category", at) : (label == "unsafe" ? "unsafe" : "safe");
            if (label == "unsafe" && o.ContainsKey("category") && RefusalPolicy.Categories.All(c => c.Id != category))
                throw new InputException($"{at}: unknown category '{category}': use one of " +
                    $"{string.Join(", ", RefusalPolicy.Categories.Select(c => c.Id))}");
            if (!seen.Add(prompt.Trim())) throw new InputException($"{at}: the prompt appears twice in the file: remove one");
            list.Add(new RefusalPrompt(prompt, label == "unsafe", category, -1, null));
        }
        if (list.Count == 0) throw new InputException($"'{where}' holds no labelled prompt");
        return list;
    }

    static string Str(JsonObject o, string key, string at) =>
        o[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s
        : throw new InputException($"{at}: \"{key}\" must be a non-empty string");
}
