using System.Text.Json;

namespace LlmLab.Server;

/// <summary>
/// Typed reads of one field of a request body, each failing with a 400 <see cref="ApiError"/> that names the field:
/// wrong type, out of range, a number too large for its type, or text that is not valid Unicode (invalid UTF-8 bytes or
/// a lone surrogate escape such as <c>"\ud800"</c>, which <see cref="JsonElement.GetString"/> cannot turn into a
/// string). Stateless and thread-safe.
/// </summary>
internal static class JsonFields
{
    /// <summary>The field, or null when it is absent or JSON null (OpenAI treats null as "not given").</summary>
    public static JsonElement? Get(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A JSON string's text.</summary>
    public static string Str(JsonElement v, string param)
    {
        if (v.ValueKind != JsonValueKind.String) throw ApiError.BadField(param, $"{param} must be a string");
        try { return v.GetString()!; }
        catch (InvalidOperationException)
        {
            throw ApiError.BadField(param, $"{param} is not valid Unicode text (invalid UTF-8, or a lone surrogate escape like \\ud800)");
        }
    }

    public static string? OptionalText(JsonElement obj, string name, string? param = null) =>
        Get(obj, name) is { } v ? Str(v, param ?? name) : null;

    public static int Int(JsonElement obj, string name, int fallback, int min, int max, string? param = null)
    {
        param ??= name;
        if (Get(obj, name) is not { } v) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int x)) throw ApiError.BadField(param,
            $"{param} must be an integer in {min}..{max}");
        if (x < min || x > max) throw ApiError.BadField(param, $"{param} must be in {min}..{max} (got {x})");
        return x;
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="exclusiveMin"/> makes the
    /// lower bound open (top_p &gt; 0).</summary>
    public static double Number(JsonElement obj, string name, double fallback, double min, double max, bool exclusiveMin = false)
    {
        if (Get(obj, name) is not { } v) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double x) || !double.IsFinite(x))
            throw ApiError.BadField(name, $"{name} must be a finite number");
        if (!(exclusiveMin ? x > min : x >= min) || x > max)
            throw ApiError.BadField(name, $"{name} must be in {(exclusiveMin ? "(" : "[")}{min}, {max}] (got {x})");
        return x;
    }

    public static bool Bool(JsonElement obj, string name, bool fallback, string? param = null)
    {
        if (Get(obj, name) is not { } v) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiError.BadField(param ?? name, $"{param ?? name} must be true or false"),
        };
    }

    /// <summary>Refuses any member of <paramref name="obj"/> not in <paramref name="known"/> (OpenAI answers 400
    /// "Unrecognized request argument supplied" too): a misspelt field must not be silently ignored.</summary>
    public static void OnlyKnown(JsonElement obj, IReadOnlySet<string> known, string prefix = "")
    {
        foreach (var p in obj.EnumerateObject())
        {
            string raw;
            try { raw = p.Name; }
            catch (InvalidOperationException) { throw ApiError.BadField(prefix + "(a field name)",
                "a field name is not valid Unicode text"); }
            if (known.Contains(raw)) continue;
            string name = raw.Length > 64 || raw.Any(char.IsControl) ? "(a field name)" : raw;
            throw ApiError.BadField(prefix + name, $"Unrecognized request argument supplied: {prefix}{name}");
        }
    }
}
