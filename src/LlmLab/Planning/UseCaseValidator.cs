using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmLab.Planning;

/// <summary>
/// The walking helpers of <see cref="UseCaseChecker"/>: read a field of a JSON tree, record an error or a warning
/// with its path when it is missing, empty, a template placeholder or of the wrong kind, and go on (every problem
/// is reported, not just the first). A child of a missing parent is not reported again. Not thread-safe.
/// </summary>
internal sealed class UseCaseValidator
{
    public List<UseCaseFinding> Findings { get; } = [];

    public void Error(string path, string message, string fix) => Findings.Add(new(UseCaseSeverity.Error, path, message, fix));
    public void Warn(string path, string message, string fix) => Findings.Add(new(UseCaseSeverity.Warning, path, message, fix));

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>The mapping at <paramref name="key"/>; an error when required and missing or not a mapping.</summary>
    public JsonObject? Object(JsonObject? parent, string path, string key, string fix, bool required = true)
    {
        if (parent is null) return null;
        string p = Join(path, key);
        switch (parent[key])
        {
            case JsonObject o: return o;
            case null when !parent.ContainsKey(key):
                if (required) Error(p, $"missing section '{key}'", fix);
                return null;
            case null:
                if (required) Error(p, $"'{key}' is empty", fix);
                return null;
            default:
                Error(p, $"'{key}' must be a mapping of fields, not {Kind(parent[key])}", fix);
                return null;
        }
    }

    /// <summary>A text field (numbers are accepted as text); an error when required and missing, empty or a placeholder.</summary>
    public string? Text(JsonObject? parent, string path, string key, string fix, bool required = true)
    {
        if (parent is null) return null;
        string p = Join(path, key);
        JsonNode? n = parent[key];
        if (n is null)
        {
            if (required) Error(p, parent.ContainsKey(key) ? $"'{key}' is empty" : $"missing field '{key}'", fix);
            return null;
        }
        if (n is not JsonValue v || v.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
        {
            Error(p, $"'{key}' must be text, not {Kind(n)}", fix);
            return null;
        }
        string s = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>().Trim() : v.ToJsonString();
        if (s.Length == 0) { Error(p, $"'{key}' is empty", fix); return null; }
        if (IsPlaceholder(s)) { Error(p, $"'{key}' is still the template's placeholder ('{Short(s)}')", fix); return null; }
        return s;
    }

    /// <summary>A number greater than <paramref name="exclusiveMin"/>; an error when required and missing, not a number or too
    /// small.</summary>
    public double? Number(JsonObject? parent, string path, string key, string fix, bool required = true, double exclusiveMin = 0)
    {
        if (parent is null) return null;
        string p = Join(path, key);
        JsonNode? n = parent[key];
        if (n is null)
        {
            if (required) Error(p, parent.ContainsKey(key) ? $"'{key}' is empty" : $"missing number '{key}'", fix);
            return null;
        }
        if (n is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            Error(p, IsPlaceholderValue(n) ? $"'{key}' is still the template's placeholder; a number is needed"
                : $"'{key}' must be a number, not {Kind(n)}", fix);
            return null;
        }
        double d = v.GetValue<double>();
        if (!(d > exclusiveMin)) { Error(p, $"'{key}' must be > {exclusiveMin} (got {d})", fix); return null; }
        return d;
    }

    /// <summary>A yes/no field.</summary>
    public bool? Bool(JsonObject? parent, string path, string key, string fix)
    {
        if (parent is null) return null;
        JsonNode? n = parent[key];
        if (n is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        Error(Join(path, key), n is null ? $"missing yes/no field '{key}'"
            : IsPlaceholderValue(n) ? $"'{key}' is still the template's placeholder; true or false is needed"
            : $"'{key}' must be true or false, not {Kind(n)}", fix);
        return null;
    }

    /// <summary>A list with at least <paramref name="min"/> items; an error when required and missing, not a list or too short.</summary>
    public JsonArray? List(JsonObject? parent, string path, string key, string fix, int min = 1, bool required = true)
    {
        if (parent is null) return null;
        string p = Join(path, key);
        JsonNode? n = parent[key];
        if (n is null)
        {
            if (required) Error(p, parent.ContainsKey(key) ? $"'{key}' is empty" : $"missing list '{key}'", fix);
            return null;
        }
        if (n is not JsonArray a) { Error(p, $"'{key}' must be a list (items starting with '- '), not {Kind(n)}", fix); return null; }
        if (a.Count < min) { Error(p, $"'{key}' has {a.Count} item{(a.Count == 1 ? "" : "s")}; at least {min} needed", fix); return null; }
        return a;
    }

    /// <summary>Text items of a list; each empty, non-text or placeholder item is an error at its own path.</summary>
    public List<string> TextItems(JsonArray? list, string path, string fix)
    {
        var result = new List<string>();
        if (list is null) return result;
        for (int i = 0; i < list.Count; i++)
        {
            string p = $"{path}[{i}]";
            if (list[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Trim() is { Length: > 0 } s)
            {
                if (IsPlaceholder(s)) Error(p, $"still the template's placeholder ('{Short(s)}')", fix);
                else result.Add(s);
            }
            else Error(p, $"item must be non-empty text, not {Kind(list[i])}", fix);
        }
        return result;
    }

    /// <summary>A value from a closed vocabulary; an error listing the valid values otherwise.</summary>
    public string? OneOf(JsonObject? parent, string path, string key, IReadOnlyList<string> valid, string what)
    {
        string fix = $"set {key} to one of: {string.Join(", ", valid)}";
        string? s = Text(parent, path, key, fix);
        if (s is null) return null;
        string norm = s.ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
        if (valid.Contains(norm)) return norm;
        Error(Join(path, key), $"unknown {what} '{s}'", fix);
        return null;
    }

    /// <summary>Warns about keys the schema does not know (typos are otherwise silently ignored).</summary>
    public void KnownKeys(JsonObject? obj, string path, params string[] keys)
    {
        if (obj is null) return;
        foreach (var (k, _) in obj)
            if (!keys.Contains(k))
                Warn(Join(path, k), $"unknown key '{k}' is ignored", $"use one of: {string.Join(", ", keys)} (check the spelling)");
    }

    static bool IsPlaceholderValue(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String && IsPlaceholder(v.GetValue<string>().Trim());

    public static bool IsPlaceholder(string s) => s.StartsWith(UseCaseSchema.Placeholder, StringComparison.OrdinalIgnoreCase);

    static string Short(string s) => s.Length <= 40 ? s : s[..37] + "...";

    internal static string Kind(JsonNode? n) => n switch
    {
        null => "nothing",
        JsonObject => "a mapping",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "text", JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true/false", _ => "a value",
        },
        _ => "a value",
    };
}
