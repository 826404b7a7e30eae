using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LlmLab.Runtime;

namespace LlmLab.Nn.Gpt;

/// <summary><c>config.json</c> reading and writing of <see cref="GptConfig"/>.</summary>
public sealed partial record GptConfig
{
    /// <summary>Llama/Mistral-style names accepted when reading, each mapped to ours (HF's LlamaConfig spells them so).</summary>
    static readonly (string Alias, string Name)[] Aliases =
    [
        ("max_position_embeddings", "n_positions"),
        ("hidden_size", "n_embd"),
        ("num_hidden_layers", "n_layer"),
        ("num_attention_heads", "n_head"),
        ("num_key_value_heads", "n_kv_heads"),
    ];

    /// <summary>Keys HF writes that describe the file rather than the shape; accepted and ignored.</summary>
    static readonly string[] Descriptive = ["model_type", "architectures", "torch_dtype", "transformers_version"];

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // Strict: a misspelt key is an error, never a silently ignored setting.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>The config as <c>config.json</c> text (snake_case; unset optional fields omitted).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses <c>config.json</c> text, accepting the Llama-style aliases, and validates it.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">Names the text in messages (a path).</param>
    /// <exception cref="InputException">Malformed JSON, an unknown key, a wrong type, an alias given beside its own
    /// name with a different value, or a shape <see cref="Validate"/> rejects.</exception>
    public static GptConfig FromJson(string json, string source = "config.json")
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(json) as JsonObject ?? throw new InputException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}: not valid JSON ({e.Message})", e);
        }
        foreach (string key in Descriptive) obj.Remove(key);
        foreach (var (alias, name) in Aliases)
        {
            if (!obj.TryGetPropertyValue(alias, out var value)) continue;
            obj.Remove(alias);
            if (obj.TryGetPropertyValue(name, out var own) && !JsonNode.DeepEquals(own, value))
                throw new InputException($"{source}: {alias} ({value?.ToJsonString()}) and {name} ({own?.ToJsonString()}) name the same setting; keep one");
            obj[name] = value;
        }
        GptConfig config;
        try
        {
            config = obj.Deserialize<GptConfig>(JsonOptions) ?? throw new InputException($"{source}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InputException($"{source}: {e.Message} (keys: {string.Join(", ", KnownKeys)})", e);
        }
        try
        {
            config.Validate();
        }
        catch (InputException e)
        {
            throw new InputException($"{source}: {e.Message}", e);
        }
        return config;
    }

    /// <summary>Reads and validates <paramref name="path"/> (see <see cref="FromJson"/>).</summary>
    /// <exception cref="InputException">A missing file, or anything <see cref="FromJson"/> rejects.</exception>
    public static GptConfig Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"model config '{path}' does not exist: give the path of a config.json");
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>The keys <c>config.json</c> may hold (our names), for messages.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } = typeof(GptConfig).GetProperties()
        .Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name)
        .OfType<string>().ToArray();
}
