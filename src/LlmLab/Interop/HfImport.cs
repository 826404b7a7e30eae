using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Planning;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Interop;

/// <summary>
/// A Hugging Face model folder as our <see cref="GptModel"/>: <c>config.json</c> read by <see cref="HfConfigReader"/> (plus
/// the keys it does not model: <c>rope_theta</c>, <c>rope_scaling</c>, <c>activation_function</c>, the norm ε), weights from
/// <c>model.safetensors</c> or the shards that <c>model.safetensors.index.json</c> lists (F32/F16/BF16, memory-mapped, widened
/// to fp32), the tokenizer of <c>tokenizer.json</c> (byte-level BPE, or byte-fallback BPE as in Llama 2 and Mistral: see
/// <see cref="HfTokenizerJson"/>), and the chat template of <c>tokenizer_config.json</c> when it is ours. GPT-2 (with its
/// <c>activation_function</c>: released GPT-2 checkpoints say, or default to, <c>gelu_new</c>, the tanh approximation) and the
/// Llama family (Llama, Mistral, Qwen2, SmolLM: GQA, tied or untied embeddings, Qwen2's q/k/v biases — missing biases are
/// zeros — and <c>rope_scaling</c> of type linear or llama3).
/// </summary>
/// <remarks>
/// Refused with a message naming the key: an explicit <c>head_dim</c> other than hidden/heads (our attention's projections
/// are d → d), another <c>rope_scaling</c> type (dynamic, yarn, longrope), an activation other than GELU for GPT-2 or SiLU for
/// the Llama family, Mixture-of-Experts. The caller owns the model.
/// </remarks>
public static class HfImport
{
    /// <summary>Whether <paramref name="path"/> is a folder with config.json and safetensors weights.</summary>
    public static bool IsHfFolder(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, "config.json"))
        && (File.Exists(Path.Combine(path, "model.safetensors")) || File.Exists(Path.Combine(path, "model.safetensors.index.json")));

    /// <summary>The shape of the folder's config.json as our config.</summary>
    /// <exception cref="InputException">A config our GPT cannot express (see remarks).</exception>
    public static GptConfig ReadConfig(string directory)
    {
        string path = Path.Combine(directory, "config.json");
        var spec = HfConfigReader.Read(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (spec.NumExperts > 1) throw new InputException($"'{path}': Mixture-of-Experts checkpoints are not loaded by LlmLab yet");
        if (spec.ExplicitHeadDim > 0 && spec.ExplicitHeadDim * spec.NumHeads != spec.HiddenSize)
            throw new InputException($"'{path}': head_dim {spec.ExplicitHeadDim} × {spec.NumHeads} heads ≠ hidden_size " +
                $"{spec.HiddenSize}; LlmLab's attention projects d → heads × d/heads, so it needs head_dim = hidden_size / " +
                $"num_attention_heads ({spec.HiddenSize / spec.NumHeads})");
        var scaling = RopeScalingOf(root, path);
        string? activation = ActivationOf(root, path, spec.Mlp);
        double eps = Number(root, "rms_norm_eps") ?? Number(root, "layer_norm_epsilon") ?? Number(root, "layer_norm_eps") ?? 1e-5;
        return new GptConfig
        {
            VocabSize = checked((int)spec.VocabSize), Context = spec.MaxPositionEmbeddings, Width = spec.HiddenSize,
            Layers = spec.NumLayers,
            Heads = spec.NumHeads, KvHeads = spec.NumKeyValueHeads == spec.NumHeads ? null : spec.NumKeyValueHeads,
            IntermediateSize = spec.IntermediateSize, TieWordEmbeddings = spec.TieWordEmbeddings, Dropout = 0, NormEps = eps,
            PositionEmbedding = spec.LearnedPositions ? PositionEmbeddingKind.Learned : PositionEmbeddingKind.Rope,
            Norm = spec.Norm == NormKind.LayerNorm ? NormalizationKind.LayerNorm : NormalizationKind.RmsNorm,
            Mlp = spec.Mlp == MlpKind.Gelu ? FeedForwardKind.Gelu : FeedForwardKind.SwiGlu,
            RopeTheta = Number(root, "rope_theta") ?? 10000, RopeScaling = spec.LearnedPositions ? null : scaling,
            ActivationFunction = activation,
            Bias = spec.LearnedPositions || spec.AttentionBias || spec.MlpBias || (string?)root["model_type"] == "qwen2",
        };
    }

    /// <summary>Loads the folder with a byte-level BPE tokenizer (what training, fine-tuning and chat-token growth need).</summary>
    /// <exception cref="InputException">A missing or damaged file, an unsupported config, a tokenizer that is not a byte-level
    /// BPE (a byte-fallback one is named as such: <see cref="Open(string)"/> loads it), a missing tensor or one whose shape differs
    /// from the config's.</exception>
    public static (GptModel Model, BpeTokenizer Tokenizer, ChatTemplate Template) Load(string directory)
    {
        var (model, tokenizer, template) = Open(directory, byteLevelOnly: true);
        return (model, (BpeTokenizer)tokenizer, template);
    }

    /// <summary>Loads the folder with whichever tokenizer it has (byte-level BPE, or byte-fallback BPE as in Llama 2 and
    /// Mistral): what generation and serving need.</summary>
    /// <exception cref="InputException">As <see cref="Load"/>, except that a byte-fallback tokenizer is accepted.</exception>
    public static (GptModel Model, ITokenizer Tokenizer, ChatTemplate Template) Open(string directory) =>
        Open(directory, byteLevelOnly: false);

    static (GptModel Model, ITokenizer Tokenizer, ChatTemplate Template) Open(string directory, bool byteLevelOnly)
    {
        if (!IsHfFolder(directory))
            throw new InputException($"'{directory}' is not a Hugging Face model folder: it needs config.json and " +
                $"model.safetensors (or model.safetensors.index.json)");
        var config = ReadConfig(directory);
        string tokenizerPath = Path.Combine(directory, "tokenizer.json");
        ITokenizer tokenizer = byteLevelOnly ? HfTokenizerJson.Read(tokenizerPath) : HfTokenizerJson.ReadAny(tokenizerPath);
        if (tokenizer.VocabSize > config.VocabSize)
            throw new InputException($"'{directory}': tokenizer.json has {tokenizer.VocabSize} ids but config.json's vocab_size " +
                $"is {config.VocabSize}");
        var files = Shards(directory);
        try
        {
            var model = new GptModel(config);
            try
            {
                model.eval();
                Copy(model, config, files, directory);
                return (model, tokenizer, Template(directory, tokenizer));
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var f in files.Values.Distinct()) f.Dispose();
        }
    }

    static void Copy(GptModel model, GptConfig c, Dictionary<string, SafetensorsFile> files, string directory)
    {
        var names = HfTensorNames.For(c);
        bool gpt2 = HfTensorNames.IsGpt2(c);
        // GPT2Model (not …LMHeadModel) files, such as OpenAI's released gpt2, name tensors without "transformer.".
        float[]? Find(string name) => files.TryGetValue(name, out var f) ? f.ReadFloats(name)
            : gpt2 && files.TryGetValue(name["transformer.".Length..], out f) ? f.ReadFloats(name["transformer.".Length..]) : null;
        using var noGrad = no_grad();
        foreach (var (ours, p) in model.named_parameters())
        {
            float[]? values;
            long[] shape = p.shape;
            if (names.TryGetValue(ours, out var hf))
            {
                values = Find(hf.Name);
                if (hf.Transposed) shape = [shape[1], shape[0]];
            }
            else
            {
                var m = System.Text.RegularExpressions.Regex.Match(ours, @"^h\.(\d+)\.attn\.c_attn\.(weight|bias)$");
                int layer = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                var (q, k, v) = HfTensorNames.LlamaQkv(layer, m.Groups[2].Value);
                values = Find(q) is { } qv && Find(k) is { } kv && Find(v) is { } vv ? [.. qv, .. kv, .. vv] : null;
            }
            if (values is null)
            {
                if (ours.EndsWith(".bias", StringComparison.Ordinal)) { p.zero_(); continue; } // a family without that bias
                throw new InputException($"'{directory}' has no tensor {(hf.Name ?? ours)} for our '{ours}'");
            }
            if (values.LongLength != p.numel())
                throw new InputException($"'{directory}': {hf.Name ?? ours} has {values.Length} values, config.json's shape " +
                    $"needs {p.numel()}");
            using var t = tensor(values, shape);
            p.copy_(hf.Transposed ? t.t() : t);
        }
    }

    /// <summary>Every tensor name → the open shard holding it.</summary>
    static Dictionary<string, SafetensorsFile> Shards(string directory)
    {
        string index = Path.Combine(directory, "model.safetensors.index.json");
        var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            if (!File.Exists(index))
            {
                var single = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors"));
                opened["model.safetensors"] = single;
                foreach (string name in single.Tensors.Keys) byTensor[name] = single;
                return byTensor;
            }
            JsonObject map;
            try
            {
                map = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject
                    ?? throw new InputException($"'{index}' has no weight_map");
            }
            catch (JsonException e) { throw new InputException($"'{index}' is not valid JSON ({e.Message.Split('\n')[0]})", e); }
            foreach (var (name, file) in map)
            {
                string shard = (string?)file ?? throw new InputException($"'{index}': weight_map['{name}'] is not a file name");
                if (shard.Contains('/') || shard.Contains('\\')) throw new InputException($"'{index}': shard '{shard}' must be " +
                    $"a file in the folder");
                if (!opened.TryGetValue(shard, out var f)) opened[shard] = f = SafetensorsFile.Open(Path.Combine(directory, shard));
                if (!f.Tensors.ContainsKey(name)) throw new InputException($"'{index}' puts '{name}' in {shard}, which does not hold it");
                byTensor[name] = f;
            }
            return byTensor;
        }
        catch
        {
            foreach (var f in opened.Values) f.Dispose();
            throw;
        }
    }

    static ChatTemplate Template(string directory, ITokenizer tokenizer)
    {
        string path = Path.Combine(directory, "tokenizer_config.json");
        if (!File.Exists(path) || tokenizer is not BpeTokenizer bpe) return ChatTemplate.Transcript;
        string? jinja = JsonNode.Parse(File.ReadAllText(path))?["chat_template"] is JsonValue v ? (string?)v : null;
        bool ours = jinja == ChatTemplateJinja.For(ChatTemplate.Chat) && ChatTokens.HasAll(bpe);
        return ours ? ChatTemplate.Chat : ChatTemplate.Transcript;
    }

    /// <summary>config.json's <c>rope_scaling</c> as ours: null when absent, null or of type default.</summary>
    static RopeScaling? RopeScalingOf(JsonObject root, string path)
    {
        if (root["rope_scaling"] is not JsonObject o) return null;
        int? original = o["original_max_position_embeddings"] is JsonValue v && v.TryGetValue<int>(out int n) ? n : null;
        var scaling = new RopeScaling
        {
            RopeType = (string?)o["rope_type"], Type = (string?)o["type"], Factor = Number(o, "factor") ?? 1,
            LowFreqFactor = Number(o, "low_freq_factor"), HighFreqFactor = Number(o, "high_freq_factor"),
            OriginalMaxPositionEmbeddings = original,
        };
        try { scaling.Validate(); }
        catch (InputException e) { throw new InputException($"'{path}': {e.Message.Replace("config ", "", StringComparison.Ordinal)}", e); }
        return scaling.Kind == "default" ? null : scaling;
    }

    /// <summary>Our activation_function for the config: GPT-2's GELU form (transformers' GPT2Config defaults to gelu_new);
    /// the Llama family's gated MLP must be SiLU.</summary>
    static string? ActivationOf(JsonObject root, string path, MlpKind mlp)
    {
        if (mlp == MlpKind.SwiGlu)
        {
            string hidden = (string?)root["hidden_act"] ?? "silu";
            return hidden is "silu" or "swish" ? null
                : throw new InputException($"'{path}': hidden_act '{hidden}' is not SiLU; LlmLab's gated MLP is SwiGLU " +
                    "(hidden_act = silu)");
        }
        string act = (string?)root["activation_function"] ?? (string?)root["hidden_act"] ?? "gelu_new";
        return act switch
        {
            "gelu" => null,                                      // exact erf: our default
            "gelu_new" or "gelu_fast" => "gelu_new",             // the tanh approximation (gelu_fast is the same formula)
            "gelu_pytorch_tanh" => "gelu_pytorch_tanh",
            _ => throw new InputException($"'{path}': activation_function '{act}' is not a GELU; LlmLab's GPT-2 MLP computes gelu " +
                "(exact) or gelu_new / gelu_pytorch_tanh (tanh approximation)"),
        };
    }

    static double? Number(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<double>(out double d) ? d : null;
}
