using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmLab.Inference.Json;

/// <summary>
/// The part of JSON Schema (draft 2020-12) that constrained decoding (<see cref="JsonGrammar"/>) can enforce, parsed
/// from a schema document; <see cref="Any"/> is any JSON value. Supported keywords: <c>type</c> (one name or a list of
/// object, array, string, number, integer, boolean, null), <c>properties</c> with <c>required</c> and
/// <c>additionalProperties: false</c> (the output has every listed property, in the schema's order — the shape OpenAI's
/// strict structured outputs require), <c>items</c>, <c>minItems</c>, <c>maxItems</c>, <c>enum</c> and <c>const</c> of
/// scalars; annotations (<c>title</c>, <c>description</c>, <c>$schema</c>, <c>default</c>, <c>examples</c>,
/// <c>strict</c>) are ignored. Any other keyword (<c>$ref</c>, <c>anyOf</c>, <c>pattern</c>, <c>minimum</c>, …) is
/// refused by name rather than silently not enforced. Immutable and thread-safe.
/// </summary>
public sealed class JsonSchemaSubset
{
    static readonly HashSet<string> Annotations = ["title", "description", "$schema", "$id", "default", "examples", "$comment"];
    static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    JsonSchemaSubset(JsonTypes types) => Types = types;

    /// <summary>Any JSON value (<c>{}</c>, <c>true</c>, or <c>response_format: json_object</c>'s top level with
    /// <see cref="AnyObject"/>).</summary>
    public static JsonSchemaSubset Any { get; } = new(JsonTypes.All);

    /// <summary>Any JSON object (OpenAI's <c>json_object</c> mode).</summary>
    public static JsonSchemaSubset AnyObject { get; } = new(JsonTypes.Object);

    /// <summary>The types a value may have.</summary>
    public JsonTypes Types { get; private init; }

    /// <summary>An object's properties in order (null: any members).</summary>
    public IReadOnlyList<(string Name, JsonSchemaSubset Schema)>? Properties { get; private init; }

    /// <summary>An array's item schema (any value by default).</summary>
    public JsonSchemaSubset Items { get => _items ?? Any; private init => _items = value; }

    readonly JsonSchemaSubset? _items;

    public int MinItems { get; private init; }
    public int MaxItems { get; private init; } = int.MaxValue;

    /// <summary>The allowed values as compact JSON texts (<c>enum</c>/<c>const</c>); null = not an enumeration.</summary>
    public IReadOnlyList<string>? Literals { get; private init; }

    /// <summary>Reads <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema document.</param>
    /// <param name="path">Where it is in the request, for messages (e.g. <c>response_format.json_schema.schema</c>).</param>
    /// <exception cref="InputException">A keyword outside the subset or a malformed value, named with its path.</exception>
    public static JsonSchemaSubset Parse(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True) return Any;
        if (schema.ValueKind != JsonValueKind.Object) throw new InputException($"{path} must be a JSON Schema object");
        var types = JsonTypes.All;
        IReadOnlyList<(string, JsonSchemaSubset)>? props = null;
        JsonSchemaSubset items = Any;
        int min = 0, max = int.MaxValue;
        List<string>? literals = null;
        HashSet<string>? required = null;
        foreach (var kw in schema.EnumerateObject())
        {
            string at = $"{path}.{kw.Name}";
            switch (kw.Name)
            {
                case "type": types = TypesOf(kw.Value, at); break;
                case "properties":
                    if (kw.Value.ValueKind != JsonValueKind.Object) throw new InputException($"{at} must be an object");
                    props = kw.Value.EnumerateObject().Select(p => (p.Name, Parse(p.Value, $"{at}.{p.Name}"))).ToList();
                    break;
                case "required":
                    if (kw.Value.ValueKind != JsonValueKind.Array || kw.Value.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                        throw new InputException($"{at} must be an array of property names");
                    required = [.. kw.Value.EnumerateArray().Select(x => x.GetString()!)];
                    break;
                case "additionalProperties":
                    if (kw.Value.ValueKind != JsonValueKind.False)
                        throw new InputException($"{at}: only false is supported (the output has exactly the listed properties)");
                    break;
                case "items": items = Parse(kw.Value, at); break;
                case "minItems": min = Count(kw.Value, at); break;
                case "maxItems": max = Count(kw.Value, at); break;
                case "enum" or "const":
                    var values = kw.Name == "const" ? [kw.Value] : kw.Value.ValueKind == JsonValueKind.Array ? kw.Value.EnumerateArray().ToList()
                        : throw new InputException($"{at} must be an array");
                    if (values.Count == 0 || values.Any(v => v.ValueKind is JsonValueKind.Object or JsonValueKind.Array))
                        throw new InputException($"{at}: only non-empty lists of strings, numbers, booleans and null are supported");
                    literals = [.. values.Select(Compact).Distinct()];
                    break;
                case "strict": break;
                default:
                    if (!Annotations.Contains(kw.Name))
                        throw new InputException($"{at}: the keyword '{kw.Name}' is outside the JSON Schema subset this server enforces " +
                            "(type, properties, required, additionalProperties: false, items, minItems, maxItems, enum, const)");
                    break;
            }
        }
        if (min > max) throw new InputException($"{path}: minItems ({min}) > maxItems ({max})");
        if (required is not null && required.FirstOrDefault(r => props is null || props.All(p => p.Item1 != r)) is { } missing)
            throw new InputException($"{path}.required: '{missing}' is not in properties");
        if (props is not null && (types & JsonTypes.Object) == 0) throw new InputException(
            $"{path}: properties given but type excludes object");
        return new JsonSchemaSubset(types) { Properties = props, Items = items, MinItems = min, MaxItems = max, Literals = literals };
    }

    /// <summary>True when <paramref name="value"/> is an instance of this schema (the same subset, checked on a parsed
    /// document): what a test checks the constrained output against.</summary>
    public bool Validates(JsonElement value)
    {
        if (Literals is not null) return Literals.Contains(Compact(value));
        var t = value.ValueKind switch
        {
            JsonValueKind.Object => JsonTypes.Object,
            JsonValueKind.Array => JsonTypes.Array,
            JsonValueKind.String => JsonTypes.String,
            JsonValueKind.Number => value.TryGetInt64(out _) && !value.GetRawText().Contains('.') && !value.GetRawText().Contains('e')
                && !value.GetRawText().Contains('E') ? JsonTypes.Integer | JsonTypes.Number : JsonTypes.Number,
            JsonValueKind.True or JsonValueKind.False => JsonTypes.Boolean,
            _ => JsonTypes.Null,
        };
        if ((t & Types) == 0) return false;
        if (value.ValueKind == JsonValueKind.Object && Properties is not null)
        {
            var members = value.EnumerateObject().ToList();
            return members.Count == Properties.Count && Properties.All(p => value.TryGetProperty(p.Name, out var v) && p.Schema.Validates(v));
        }
        if (value.ValueKind == JsonValueKind.Array)
        {
            int n = value.GetArrayLength();
            return n >= MinItems && n <= MaxItems && value.EnumerateArray().All(Items.Validates);
        }
        return true;
    }

    static string Compact(JsonElement v) => v.ValueKind == JsonValueKind.String ? JsonSerializer.Serialize(v.GetString(), Relaxed) : v.GetRawText();

    static int Count(JsonElement v, string at) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n >= 0 ? n : throw new InputException(
            $"{at} must be an integer >= 0");

    static JsonTypes TypesOf(JsonElement v, string at)
    {
        var names = v.ValueKind == JsonValueKind.String ? [v] : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList()
            : throw new InputException($"{at} must be a type name or a list of them");
        var t = JsonTypes.None;
        foreach (var n in names)
            t |= (n.ValueKind == JsonValueKind.String ? n.GetString() : null) switch
            {
                "object" => JsonTypes.Object,
                "array" => JsonTypes.Array,
                "string" => JsonTypes.String,
                "number" => JsonTypes.Number,
                "integer" => JsonTypes.Integer,
                "boolean" => JsonTypes.Boolean,
                "null" => JsonTypes.Null,
                _ => throw new InputException(
                    $"{at}: unknown type {n.GetRawText()} (object, array, string, number, integer, boolean, null)"),
            };
        return t == JsonTypes.None ? throw new InputException($"{at} must name at least one type") : t;
    }
}
