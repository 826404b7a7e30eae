using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Monitoring.Requests;

namespace LlmLab.Monitoring.Drift;

/// <summary>
/// Reads a JSONL file into a <see cref="DriftTable"/>. Two shapes: requests captured by
/// <c>llmlab serve --capture-requests</c> (objects with <c>prompt</c> and <c>reply</c>) become their
/// <see cref="RequestFeatures"/> (the texts are not kept); any other objects are taken as rows whose scalar fields are
/// the columns — numbers numeric, strings and booleans categorical, null or missing values dropped (Evidently's NaN
/// handling). Blank lines are skipped; a bad line is an error naming the file and line.
/// </summary>
public static class DriftRecords
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InputException">A missing file, a line that is not a JSON object, or a field whose type changes.</exception>
    public static DriftTable ReadJsonl(string path)
    {
        if (!File.Exists(path)) throw new InputException($"'{path}' not found: give a JSONL file (one JSON object a line)");
        var rows = new List<(int Line, JsonObject Obj)>();
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try { node = JsonNode.Parse(line); }
            catch (JsonException e) { throw new InputException($"{path}:{lineNo}: not JSON ({e.Message}); every line must be one JSON object"); }
            rows.Add((lineNo, node as JsonObject ?? throw new InputException($"{path}:{lineNo}: a JSON object was expected")));
        }
        if (rows.Count > 0 && rows[0].Obj.ContainsKey("prompt") && rows[0].Obj.ContainsKey("reply"))
            return RequestFeatures.Table(rows.Select(r => RequestFeatures.Of(Request(path, r.Line, r.Obj))).ToList());
        return Tabular(path, rows);
    }

    static RequestRecord Request(string path, int line, JsonObject o)
    {
        try { return o.Deserialize<RequestRecord>() ?? throw new JsonException("null"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{path}:{line}: not a captured request ({e.Message}); expected fields prompt, reply, prompt_tokens, " +
                "completion_tokens, latency_ms as 'llmlab serve --capture-requests' writes them");
        }
    }

    static DriftTable Tabular(string path, List<(int Line, JsonObject Obj)> rows)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (line, obj) in rows)
            foreach (var (name, value) in obj)
            {
                if (value is null) continue;
                var kind = value.GetValueKind() switch
                {
                    JsonValueKind.Number => ColumnKind.Numeric,
                    JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => ColumnKind.Categorical,
                    _ => throw new InputException($"{path}:{line}: field '{name}' is not a number, string or boolean; drift columns are scalars"),
                };
                if (!kinds.TryGetValue(name, out var seen)) { kinds[name] = kind; order.Add(name); }
                else if (seen != kind)
                    throw new InputException($"{path}:{line}: field '{name}' is {Name(kind)} here but {Name(seen)} on earlier lines");
            }
        var columns = order.Select(name => kinds[name] == ColumnKind.Numeric
            ? DriftColumn.Numeric(name, rows.Select(r => r.Obj[name] is { } v ? v.GetValue<double>() : double.NaN))
            : DriftColumn.Categorical(name, rows.Select(r => r.Obj[name] is { } v ? Label(v) : null)));
        return new DriftTable(columns, rows.Count);
    }

    static string Label(JsonNode v) => v.GetValueKind() switch
    {
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetValue<string>(),
    };

    static string Name(ColumnKind k) => k == ColumnKind.Numeric ? "a number" : "a label";

    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
