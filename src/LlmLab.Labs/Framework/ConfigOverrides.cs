using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmLab.Labs.Framework;

/// <summary>
/// Strict <c>--set key=value</c> overrides of an immutable config record. Keys are the record's properties in
/// snake_case; an unknown key or a value of the wrong type is an <see cref="InputException"/>, never ignored.
/// </summary>
public static class ConfigOverrides
{
    /// <summary>JSON options used for every config file and config.json we write: snake_case, indented.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A measured value may be NaN or ±∞ (a lab that shows an overflow records it): write "NaN"/"Infinity".
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Parses "key=value" strings; a string without '=' is an error.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(IEnumerable<string> sets)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (string s in sets)
        {
            int eq = s.IndexOf('=');
            if (eq <= 0) throw new InputException($"--set '{s}' is not key=value (e.g. --set seed=7)");
            result.Add(new(s[..eq].Trim(), s[(eq + 1)..].Trim()));
        }
        return result;
    }

    /// <summary>The settable keys of <paramref name="configType"/> with their types.</summary>
    public static IReadOnlyList<(string Key, Type Type)> Keys(Type configType) =>
        configType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => (JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), p.PropertyType)).ToList();

    /// <summary>Returns <paramref name="config"/> with <paramref name="overrides"/> applied.</summary>
    /// <param name="what">Names the config in messages, e.g. "lab 1.3".</param>
    public static object Apply(object config, IEnumerable<KeyValuePair<string, string>> overrides, string what)
    {
        var list = overrides.ToList();
        if (list.Count == 0) return config;
        Type type = config.GetType();
        var keys = Keys(type).ToDictionary(k => k.Key, k => k.Type);
        var node = JsonSerializer.SerializeToNode(config, type, Json)!.AsObject();
        foreach (var (key, raw) in list)
        {
            if (!keys.TryGetValue(key, out Type? t))
                throw new InputException($"unknown --set key '{key}' for {what}; valid keys: {string.Join(", ", keys.Keys.Order())}");
            node[key] = Convert(raw, t, key, what);
        }
        return node.Deserialize(type, Json)!;
    }

    static JsonNode? Convert(string raw, Type t, string key, string what)
    {
        Type u = Nullable.GetUnderlyingType(t) ?? t;
        if (u != t && raw is "null" or "") return null;
        var ci = CultureInfo.InvariantCulture;
        string Bad(string kind) => $"--set {key}={raw}: {what} expects {kind}";
        if (u == typeof(string)) return JsonValue.Create(raw);
        if (u == typeof(bool))
            return bool.TryParse(raw, out bool b) ? JsonValue.Create(b) : throw new InputException(Bad("true or false"));
        if (u == typeof(int))
            return int.TryParse(raw, NumberStyles.Integer, ci, out int i) ? JsonValue.Create(i) : throw new InputException(Bad("an integer"));
        if (u == typeof(long))
            return long.TryParse(raw, NumberStyles.Integer, ci, out long l) ? JsonValue.Create(l) : throw new InputException(Bad("an integer"));
        if (u == typeof(double))
            return double.TryParse(raw, NumberStyles.Float, ci, out double d) && double.IsFinite(d)
                ? JsonValue.Create(d) : throw new InputException(Bad("a number"));
        if (u.IsEnum)
        {
            var names = Enum.GetNames(u).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n)).ToList();
            return names.Contains(raw.ToLowerInvariant()) ? JsonValue.Create(raw.ToLowerInvariant())
                : throw new InputException(Bad("one of " + string.Join(", ", names)));
        }
        if (u.IsArray || (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)))
        {
            Type e = u.IsArray ? u.GetElementType()! : u.GetGenericArguments()[0];
            var arr = new JsonArray();
            foreach (string part in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                arr.Add(Convert(part, e, key, what));
            return arr;
        }
        throw new InputException($"--set {key}: {what}'s field of type {u.Name} cannot be set from the command line");
    }
}
