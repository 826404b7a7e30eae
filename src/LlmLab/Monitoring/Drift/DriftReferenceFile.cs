using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Runtime;

namespace LlmLab.Monitoring.Drift;

/// <summary>
/// A saved reference sample (<c>llmlab drift reference --out ref.json</c>): JSON with <c>format</c>
/// ("llmlab-drift-reference"), <c>version</c> (1), <c>rows</c>, <c>source</c> and <c>columns</c>, each with its
/// <c>name</c>, <c>kind</c> (numeric|categorical) and <c>values</c>. The values themselves are kept, not a summary:
/// KS, chi-square and the rest need the whole reference sample. Written to a temporary name and renamed.
/// </summary>
public static class DriftReferenceFile
{
    public const string Format = "llmlab-drift-reference";
    public const int Version = 1;

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>.</summary>
    public static void Save(DriftTable table, string path, string source)
    {
        var columns = new JsonArray();
        foreach (var c in table.Columns)
            columns.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["kind"] = c.Kind == ColumnKind.Numeric ? "numeric" : "categorical",
                ["values"] = c.Kind == ColumnKind.Numeric
                    ? new JsonArray(c.Numbers.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray())
                    : new JsonArray(c.Labels.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            });
        var doc = new JsonObject { ["format"] = Format, ["version"] = Version, ["rows"] = table.Rows, ["source"] = source, ["columns"] = columns };
        AtomicFile.WriteAllText(path, doc.ToJsonString() + "\n");
    }

    /// <summary>Reads a reference written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">A missing file or one that is not a drift reference (names the field).</exception>
    public static DriftTable Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"reference '{path}' not found: make one with 'llmlab drift reference --from requests.jsonl --out {path}'");
        JsonObject doc;
        try { doc = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new InputException($"reference '{path}' is not JSON ({e.Message})"); }
        if ((string?)doc["format"] != Format)
            throw new InputException($"'{path}' is not a drift reference (field 'format' must be \"{Format}\"): make one with 'llmlab drift reference'");
        if ((int?)doc["version"] != Version) throw new InputException($"reference '{path}' has version {doc["version"]}; this llmlab reads version {Version}");
        try
        {
            int rows = (int?)doc["rows"] ?? throw new InputException($"reference '{path}' lacks field 'rows'");
            var columns = (doc["columns"] as JsonArray ?? throw new InputException($"reference '{path}' lacks field 'columns'"))
                .Select(n => Column(path, n as JsonObject ?? throw new InputException($"reference '{path}': each column must be an object")));
            return new DriftTable(columns.ToList(), rows);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
        {
            throw new InputException($"reference '{path}' has a malformed column: {e.Message}");
        }
    }

    static DriftColumn Column(string path, JsonObject c)
    {
        string name = (string?)c["name"] ?? throw new InputException($"reference '{path}': a column lacks 'name'");
        var values = c["values"] as JsonArray ?? throw new InputException($"reference '{path}': column '{name}' lacks 'values'");
        return (string?)c["kind"] switch
        {
            "numeric" => DriftColumn.Numeric(name, values.Select(v => v!.GetValue<double>())),
            "categorical" => DriftColumn.Categorical(name, values.Select(v => v?.GetValue<string>())),
            var k => throw new InputException($"reference '{path}': column '{name}' has kind '{k}' (numeric or categorical)"),
        };
    }
}
