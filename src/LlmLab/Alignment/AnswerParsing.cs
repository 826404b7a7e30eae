using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmLab.Alignment;

/// <summary>The parsers the task families' checkers share: they find the answer inside a reply. Stateless, thread-safe.</summary>
public static partial class AnswerParsing
{
    [GeneratedRegex(@"-?\d[\d,]*(\.\d+)?")]
    private static partial Regex NumberRegex();

    /// <summary>The first number in <paramref name="text"/> (thousands separators allowed), or null.</summary>
    public static double? FirstNumber(string text)
    {
        var m = NumberRegex().Match(text ?? "");
        return m.Success && double.TryParse(m.Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : null;
    }

    /// <summary>The first number of <paramref name="text"/> and the word right after it ("3000 m" → (3000, "m")).</summary>
    public static (double Value, string? Unit)? NumberAndUnit(string text)
    {
        var m = NumberRegex().Match(text ?? "");
        if (!m.Success || !double.TryParse(m.Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            return null;
        var rest = text![(m.Index + m.Length)..].TrimStart();
        int end = 0;
        while (end < rest.Length && char.IsLetter(rest[end])) end++;
        return (v, end == 0 ? null : rest[..end]);
    }

    /// <summary>True when two numbers are equal up to rounding (relative 1e-9).</summary>
    public static bool SameNumber(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    /// <summary>The first balanced JSON object in <paramref name="text"/> that parses, or null. The caller disposes it.</summary>
    public static JsonDocument? FirstJsonObject(string text)
    {
        text ??= "";
        for (int start = text.IndexOf('{'); start >= 0; start = text.IndexOf('{', start + 1))
        {
            int depth = 0;
            bool inString = false;
            for (int i = start; i < text.Length; i++)
            {
                char c = text[i];
                if (inString) { if (c == '\\') i++; else if (c == '"') inString = false; continue; }
                if (c == '"') inString = true;
                else if (c == '{') depth++;
                else if (c == '}' && --depth == 0)
                {
                    try { return JsonDocument.Parse(text[start..(i + 1)]); }
                    catch (JsonException) { break; }
                }
            }
        }
        return null;
    }

    /// <summary>Two JSON values equal as data: objects by key set (order ignored), numbers by value, strings ordinal.</summary>
    public static bool SameJson(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number) return SameNumber(a.GetDouble(), b.GetDouble());
        if (a.ValueKind != b.ValueKind) return false;
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var pa = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var pb = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                return pa.Count == pb.Count && pa.All(kv => pb.TryGetValue(kv.Key, out var v) && SameJson(kv.Value, v));
            case JsonValueKind.Array:
                var ea = a.EnumerateArray().ToList();
                var eb = b.EnumerateArray().ToList();
                return ea.Count == eb.Count && ea.Zip(eb).All(p => SameJson(p.First, p.Second));
            case JsonValueKind.String: return a.GetString() == b.GetString();
            default: return a.GetRawText() == b.GetRawText();
        }
    }

    /// <summary>The words of <paramref name="text"/>, lower-cased, without surrounding quotes and punctuation.</summary>
    public static string[] Words(string text) =>
        (text ?? "").Split([' ', '\t', '\n', ','], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('"', '\'', '.', '!', '?', ':', ';', '`').ToLowerInvariant()).Where(w => w.Length > 0).ToArray();
}
