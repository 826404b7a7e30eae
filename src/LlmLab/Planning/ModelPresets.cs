namespace LlmLab.Planning;

/// <summary>
/// Well-known model shapes, copied from each model's public Hugging Face <c>config.json</c>, and a reader for
/// any such file. Parameter counts are not stored: they come out of <see cref="ModelSpec.ParameterCount"/>, and the
/// tests pin them to the published totals. Thread-safe.
/// </summary>
public static class ModelPresets
{
    static readonly ModelSpec[] Presets =
    [
        // openai-community/gpt2: n_embd 768, n_layer 12, n_head 12, n_positions 1024, n_inner null (= 4·768),
        // tied head, LayerNorm, biases everywhere, learned positions → 124,439,808 parameters.
        new("gpt2", 50257, 768, 12, 12, 12, 3072, 1024, TieWordEmbeddings: true,
            Mlp: MlpKind.Gelu, Norm: NormKind.LayerNorm, AttentionBias: true, MlpBias: true, LearnedPositions: true),
        // meta-llama/Llama-2-7b-hf → 6,738,415,616.
        new("llama-2-7b", 32000, 4096, 32, 32, 32, 11008, 4096, TieWordEmbeddings: false),
        // meta-llama/Llama-2-13b-hf → 13,015,864,320.
        new("llama-2-13b", 32000, 5120, 40, 40, 40, 13824, 4096, TieWordEmbeddings: false),
        // meta-llama/Llama-2-70b-hf: grouped-query attention with 8 KV heads → 68,976,648,192.
        new("llama-2-70b", 32000, 8192, 80, 64, 8, 28672, 4096, TieWordEmbeddings: false),
        // meta-llama/Meta-Llama-3-8B: 128,256-token vocabulary, 8 KV heads → 8,030,261,248.
        new("llama-3-8b", 128256, 4096, 32, 32, 8, 14336, 8192, TieWordEmbeddings: false),
        // mistralai/Mistral-7B-v0.1 (zephyr-7b-beta shares it) → 7,241,732,096.
        new("mistral-7b", 32000, 4096, 32, 32, 8, 14336, 32768, TieWordEmbeddings: false),
        // mistralai/Mixtral-8x7B-v0.1: 8 experts, 2 per token, a 4096×8 router per layer → 46,702,792,704 total,
        // 12,879,925,248 active.
        new("mixtral-8x7b", 32000, 4096, 32, 32, 8, 14336, 32768, TieWordEmbeddings: false, NumExperts: 8, ExpertsPerToken: 2),
    ];

    /// <summary>Names of the presets, in order of size.</summary>
    public static IReadOnlyList<string> Names { get; } = Presets.Select(p => p.Name).ToArray();

    /// <summary>The preset of that name (case-insensitive); <see cref="InputException"/> listing the names otherwise.</summary>
    public static ModelSpec Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Presets.FirstOrDefault(p => p.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InputException(
                $"unknown model '{name}': use one of {string.Join(", ", Names)}, or a path to a Hugging Face config.json");
    }

    /// <summary>A preset name, or else a path to a <c>config.json</c>: what the CLI's --model takes.</summary>
    public static ModelSpec Resolve(string nameOrPath)
    {
        ArgumentNullException.ThrowIfNull(nameOrPath);
        bool looksLikePath = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                             || nameOrPath.Contains('/') || nameOrPath.Contains('\\') || File.Exists(nameOrPath);
        return looksLikePath ? FromHfConfig(nameOrPath) : Get(nameOrPath);
    }

    /// <summary>
    /// Reads a Hugging Face <c>config.json</c> (Llama/Mistral/Mixtral/Qwen-style names, or GPT-2's <c>n_embd</c>,
    /// <c>n_layer</c>…). Throws <see cref="InputException"/> naming the file and the missing or invalid field.
    /// </summary>
    public static ModelSpec FromHfConfig(string path) => HfConfigReader.Read(path);
}
