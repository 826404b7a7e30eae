using System.Text.Json;

namespace LlmLab.Planning;

/// <summary>
/// Turns a Hugging Face <c>config.json</c> into a <see cref="ModelSpec"/>. Field names and defaults follow
/// transformers' configuration classes: <c>num_key_value_heads</c> defaults to <c>num_attention_heads</c>,
/// GPT-2's <c>n_inner</c> null means 4·<c>n_embd</c>, <c>tie_word_embeddings</c> defaults to true for GPT-2
/// (PretrainedConfig's default) and false for Llama-family configs (LlamaConfig's default).
/// </summary>
internal static class HfConfigReader
{
    public static ModelSpec Read(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"model config '{path}' not found: give a preset name or the path of a config.json");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InputException($"model config '{path}' is not valid JSON ({e.Message})", e);
        }
        if (root.ValueKind != JsonValueKind.Object) throw new InputException($"model config '{path}' must be a JSON object");

        string modelType = Str(root, "model_type") ?? "";
        bool gpt2 = modelType == "gpt2" || root.TryGetProperty("n_embd", out _);
        string name = Str(root, "_name_or_path") is { Length: > 0 } n ? n : Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)))
            ?? path;

        long vocab = Long(root, path, "vocab_size");
        int hidden = Int(root, path, "hidden_size", "n_embd");
        int layers = Int(root, path, "num_hidden_layers", "n_layer");
        int heads = Int(root, path, "num_attention_heads", "n_head");
        int kvHeads = OptInt(root, path, "num_key_value_heads") ?? heads;
        int positions = Int(root, path, "max_position_embeddings", "n_positions");
        int intermediate = gpt2 ? OptInt(root, path, "n_inner") ?? 4 * hidden : Int(root, path, "intermediate_size");
        bool tied = OptBool(root, path, "tie_word_embeddings") ?? gpt2;
        int experts = OptInt(root, path, "num_local_experts") ?? OptInt(root, path, "num_experts") ?? 1;
        int perToken = experts > 1 ? OptInt(root, path, "num_experts_per_tok") ?? 2 : 1;
        string act = (Str(root, "hidden_act") ?? Str(root, "activation_function") ?? (gpt2 ? "gelu_new" : "silu")).ToLowerInvariant();
        // Llama-family configs (RMSNorm) use a gated MLP whatever the activation ("silu" = SwiGLU, Gemma's gated
        // "gelu" has the same three matrices); a GELU activation without RMSNorm means GPT-2's two-matrix MLP.
        bool rms = root.TryGetProperty("rms_norm_eps", out _);
        MlpKind mlp = gpt2 || (!rms && act.StartsWith("gelu", StringComparison.Ordinal)) ? MlpKind.Gelu : MlpKind.SwiGlu;
        bool layerNorm = gpt2 || root.TryGetProperty("layer_norm_eps", out _) || root.TryGetProperty("layer_norm_epsilon", out _);
        NormKind norm = !rms && layerNorm ? NormKind.LayerNorm : NormKind.RmsNorm;

        var spec = new ModelSpec(name, vocab, hidden, layers, heads, kvHeads, intermediate, positions, tied,
            NumExperts: experts, ExpertsPerToken: perToken, Mlp: mlp, Norm: norm,
            AttentionBias: OptBool(root, path, "attention_bias") ?? gpt2,
            MlpBias: OptBool(root, path, "mlp_bias") ?? gpt2,
            LearnedPositions: gpt2,
            ExplicitHeadDim: OptInt(root, path, "head_dim") ?? 0);
        try { return spec.Validate(); }
        catch (InputException e) { throw new InputException($"model config '{path}': {e.Message}", e); }
    }

    static string? Str(JsonElement o, string field) =>
        o.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long Long(JsonElement o, string path, string field) =>
        OptLong(o, path, field) ?? throw new InputException($"model config '{path}': missing field '{field}'");

    static int Int(JsonElement o, string path, string field, string? gpt2Name = null)
    {
        int? v = OptInt(o, path, field);
        if (v is null && gpt2Name != null) v = OptInt(o, path, gpt2Name);
        return v ?? throw new InputException($"model config '{path}': missing field '{field}'" +
                                             (gpt2Name != null ? $" (or GPT-2's '{gpt2Name}')" : ""));
    }

    static int? OptInt(JsonElement o, string path, string field)
    {
        long? v = OptLong(o, path, field);
        if (v is > int.MaxValue or < int.MinValue)
            throw new InputException($"model config '{path}': field '{field}' is out of range (got {v})");
        return (int?)v;
    }

    static long? OptLong(JsonElement o, string path, string field)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n)) return n;
        throw new InputException($"model config '{path}': field '{field}' must be an integer (got {v.GetRawText()})");
    }

    static bool? OptBool(JsonElement o, string path, string field)
    {
        if (!o.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InputException($"model config '{path}': field '{field}' must be true or false (got {v.GetRawText()})"),
        };
    }
}
