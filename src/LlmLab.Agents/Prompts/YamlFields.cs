using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// Strict reading of one YAML mapping of a prompt file: every key must be one of the known ones, values have the type
/// asked, and every error is an <see cref="InputException"/> that names the file, the line and the key's path, with
/// the fix. Not thread-safe (used while reading one file).
/// </summary>
internal sealed class YamlFields
{
    readonly YamlMappingNode _map;

    /// <param name="node">The node that must be a mapping.</param>
    /// <param name="file">The file's name, for messages.</param>
    /// <param name="path">The mapping's path in the file ("tests[2]"; empty at the top).</param>
    /// <param name="known">The keys allowed here.</param>
    public YamlFields(YamlNode node, string file, string path, params string[] known)
    {
        (File, Path) = (file, path);
        _map = node as YamlMappingNode ?? throw Error(node, $"{Name(path)} must be a mapping of keys ({string.Join(", ", known)})");
        foreach (var (key, _) in _map.Children)
        {
            string k = key is YamlScalarNode s ? s.Value ?? "" : "?";
            if (!known.Contains(k))
                throw Error(key, $"unknown key '{Join(path, k)}'; the keys allowed here are {string.Join(", ", known)}");
        }
        Line = node.Start.Line;
    }

    public string File { get; }
    public string Path { get; }
    public long Line { get; }

    /// <summary>"file:line" of a node.</summary>
    public string At(YamlNode node) => $"{File}:{node.Start.Line}";

    public bool Has(string key) => Node(key) is not null;

    public YamlNode? Node(string key) => _map.Children.FirstOrDefault(p => p.Key is YamlScalarNode s && s.Value == key).Value;

    /// <summary>A string value (a scalar), or null when absent and not required.</summary>
    public string? String(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null) return required ? throw Missing(key) : null;
        return n is YamlScalarNode s ? s.Value ?? "" : throw Error(n, $"{Join(Path, key)} must be a text value, not a list or mapping");
    }

    /// <summary>A string value as a template, located at its line.</summary>
    public PromptText? Text(string key, bool required = false) =>
        String(key, required) is { } v ? new PromptText(v, $"{At(Node(key)!)} {Join(Path, key)}") : null;

    public bool Bool(string key, bool fallback) => String(key) switch
    {
        null => fallback,
        "true" or "True" or "yes" => true,
        "false" or "False" or "no" => false,
        var v => throw Error(Node(key)!, $"{Join(Path, key)} must be true or false (got '{v}')"),
    };

    public double? Double(string key, double min, double max)
    {
        if (String(key) is not { } v) return null;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || d < min || d > max)
            throw Error(Node(key)!, $"{Join(Path, key)} must be a number in [{min}, {max}] (got '{v}')");
        return d;
    }

    public long? Long(string key, long min, long max)
    {
        if (String(key) is not { } v) return null;
        if (!long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long d) || d < min || d > max)
            throw Error(Node(key)!, $"{Join(Path, key)} must be a whole number in [{min}, {max}] (got '{v}')");
        return d;
    }

    /// <summary>A list's items (empty when absent and not required).</summary>
    public IReadOnlyList<YamlNode> List(string key, bool required = false)
    {
        var n = Node(key);
        if (n is null) return required ? throw Missing(key) : [];
        return n is YamlSequenceNode s ? s.Children.ToArray() : throw Error(n, $"{Join(Path, key)} must be a list (items start with '- ')");
    }

    /// <summary>A mapping of names to text values (a test's vars), in file order.</summary>
    public IReadOnlyDictionary<string, string> Strings(string key)
    {
        var n = Node(key);
        if (n is null) return new Dictionary<string, string>();
        if (n is not YamlMappingNode m) throw Error(n, $"{Join(Path, key)} must be a mapping of names to values");
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in m.Children)
        {
            string name = ((YamlScalarNode)k).Value ?? "";
            d[name] = v is YamlScalarNode s ? s.Value ?? "" : ToJson(v)?.ToJsonString() ?? "";
        }
        return d;
    }

    public InputException Missing(string key) =>
        new($"{File}:{Line}: {Name(Path)} has no '{key}'; add {Join(Path, key)}");

    public InputException Error(YamlNode node, string message) => new($"{File}:{node.Start.Line}: {message}");

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    static string Name(string path) => path.Length == 0 ? "the file" : path;

    /// <summary>A YAML node as JSON (for schemas and structured vars): plain scalars become numbers, booleans and null
    /// where YAML 1.2's core schema reads them so; quoted ones stay strings.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "",
            ToJson(p.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p => Plain(p.Value ?? ""),
        YamlScalarNode q => JsonValue.Create(q.Value ?? ""),
        _ => null,
    };

    static JsonNode? Plain(string v) => v switch
    {
        "null" or "~" or "" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => JsonValue.Create(l),
        _ when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
        _ => JsonValue.Create(v),
    };
}
