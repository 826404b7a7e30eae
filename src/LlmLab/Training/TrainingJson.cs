using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LlmLab.Training;

/// <summary>
/// The JSON conventions of training files (configs, checkpoints, metrics.jsonl): snake_case names and enum values,
/// doubles written round-trippable (so a loss read back from a checkpoint is the same double). Thread-safe.
/// </summary>
public static class TrainingJson
{
    /// <summary>For reading and writing records we wrote ourselves (lenient on unknown members).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>For a person's config: as <see cref="Options"/>, and an unknown key is an error.</summary>
    public static JsonSerializerOptions Strict { get; } = new(Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary><paramref name="value"/> as a JSON object node.</summary>
    public static JsonObject ToObject<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!.AsObject();

    /// <summary>The first key path where <paramref name="a"/> and <paramref name="b"/> differ ("model.n_embd"), with both
    /// values, or null when they are equal.</summary>
    public static (string Path, string? A, string? B)? FirstDifference(JsonNode? a, JsonNode? b, string path = "")
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (string key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).Order(StringComparer.Ordinal))
                if (FirstDifference(oa[key], ob[key], path.Length == 0 ? key : path + "." + key) is { } d) return d;
            return null;
        }
        return JsonNode.DeepEquals(a, b) ? null : (path, a?.ToJsonString(), b?.ToJsonString());
    }
}
