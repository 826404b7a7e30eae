using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Monitoring.Requests;
using LlmLab.Text;

namespace LlmLab.Monitoring.Drift;

/// <summary>
/// Reads a JSONL file into a <see cref="DriftTable"/>. Two shapes: requests captured by
/// <c>llmlab serve --capture-requests</c> (objects with <c>prompt</c> and <c>reply</c>) become their
/// <see cref="RequestFeatures"/> (the texts are not kept); any other objects are taken as rows whose scalar fields are
/// the columns — numbers numeric, strings and booleans categorical, null or missing values dropped (Evidently's NaN
/// handling). Read by <see cref="JsonlLines"/>: blank lines skipped, a bad line an error naming the file and line, an
/// empty file refused.
/// </summary>
public static class DriftRecords
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InputException">A missing file, a line that is not a JSON object, or a field whose type changes.</exception>
    public static DriftTable ReadJsonl(string path)
    {
        // The one strict JSONL reader: blank lines skipped, errors start with "file:line", an empty file is refused.
        var rows = JsonlLines.ReadAll(path, "drift records file",
            (line, where) => (Where: where, Obj: JsonlLines.Object(line, where, "(a captured request, or a row of scalar fields)")),
            "holds no records: give a JSONL file with one JSON object a line");
        if (rows[0].Obj.ContainsKey("prompt") && rows[0].Obj.ContainsKey("reply"))
            return RequestFeatures.Table(rows.Select(r => RequestFeatures.Of(Request(r.Where, r.Obj))).ToList());
        return Tabular(rows);
    }

    static RequestRecord Request(string where, JsonObject o)
    {
        try { return o.Deserialize<RequestRecord>() ?? throw new JsonException("null"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InputException($"{where}: not a captured request ({e.Message}); expected fields prompt, reply, prompt_tokens, " +
                "completion_tokens, latency_ms as 'llmlab serve --capture-requests' writes them");
        }
    }

    static DriftTable Tabular(IReadOnlyList<(string Where, JsonObject Obj)> rows)
    {
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (where, obj) in rows)
            foreach (var (name, value) in obj)
            {
                if (value is null) continue;
                var kind = value.GetValueKind() switch
                {
                    JsonValueKind.Number => ColumnKind.Numeric,
                    JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => ColumnKind.Categorical,
                    _ => throw new InputException($"{where}: field '{name}' is not a number, string or boolean; drift columns are scalars"),
                };
                if (!kinds.TryGetValue(name, out var seen)) { kinds[name] = kind; order.Add(name); }
                else if (seen != kind)
                    throw new InputException($"{where}: field '{name}' is {Name(kind)} here but {Name(seen)} on earlier lines");
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
