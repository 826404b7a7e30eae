using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Interop;

/// <summary>
/// A GGUF file of architecture gpt2 or llama (as <see cref="GgufExport"/> writes them, or any with the same tensors) as
/// our <see cref="GptModel"/> and <see cref="BpeTokenizer"/>: the shape from the <c>{arch}.*</c> keys, the weights read
/// and dequantized to fp32 (so our engine runs exactly the weights llama.cpp runs from that file), llama's q/k rows put
/// back in the "rotate half" order. A gpt2 file loads with biases on (zeros stay zeros: the same function). The GELU of a
/// gpt2 file is the one <c>llmlab.activation_function</c> records (our exports), else the tanh approximation, which is what
/// llama.cpp and GPT-2 compute; <c>asLlamaCpp</c> asks for llama.cpp's function whatever the file records. RoPE scaling
/// comes from <c>llmlab.rope_scaling</c> or llama.cpp's linear keys; a foreign <c>rope_freqs.weight</c> is refused.
/// The caller owns the model. Thread-safe for different files.
/// </summary>
public static class GgufImport
{
    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="asLlamaCpp">Build the function llama.cpp computes from the file (gpt2: the tanh GELU) rather than the one
    /// the file records for LlmLab.</param>
    /// <exception cref="InputException">A damaged file (<see cref="GgufFile.Open"/>), another architecture, a missing key
    /// or tensor, or a tensor whose shape does not match the keys.</exception>
    public static (GptModel Model, BpeTokenizer Tokenizer) Load(string path, bool asLlamaCpp = false)
    {
        var file = GgufFile.Open(path);
        string arch = file.Require<string>("general.architecture");
        if (arch is not ("gpt2" or "llama")) throw new InputException($"GGUF file '{path}' is architecture '{arch}'; LlmLab " +
            $"loads gpt2 and llama");
        int U(string key) => checked((int)file.Require<uint>($"{arch}.{key}"));
        int vocab = checked((int)file.Tensor("token_embd.weight").Dimensions[^1]);
        bool llama = arch == "llama";
        var config = new GptConfig
        {
            VocabSize = vocab, Context = U("context_length"), Width = U("embedding_length"), Layers = U("block_count"),
            Heads = U("attention.head_count"), IntermediateSize = U("feed_forward_length"),
            KvHeads = file.Get($"{arch}.attention.head_count_kv") is uint kv && kv != (uint)U("attention.head_count") ? (int)kv : null,
            NormEps = file.Require<float>(llama ? "llama.attention.layer_norm_rms_epsilon" : "gpt2.attention.layer_norm_epsilon"),
            TieWordEmbeddings = file.Tensors.All(t => t.Name != "output.weight"),
            PositionEmbedding = llama ? PositionEmbeddingKind.Rope : PositionEmbeddingKind.Learned,
            Norm = llama ? NormalizationKind.RmsNorm : NormalizationKind.LayerNorm,
            Mlp = llama ? FeedForwardKind.SwiGlu : FeedForwardKind.Gelu,
            RopeTheta = llama && file.Get("llama.rope.freq_base") is float theta ? theta : 10000,
            Bias = !llama || file.Tensors.Any(t => t.Name == "blk.0.attn_q.bias"),
            ActivationFunction = llama ? null : asLlamaCpp ? "gelu_new" : ActivationOf(file),
            RopeScaling = llama ? RopeScalingOf(file) : null,
        };
        // ε is stored as fp32: widen the exact float value the file holds (1e-5f is not 1e-5).
        config = config with { NormEps = ShortestDouble((float)config.NormEps) };
        var tokenizer = GgufTokenizerMetadata.Read(file);
        var model = new GptModel(config);
        try
        {
            var names = GgufTensorNames.For(config);
            using var noGrad = no_grad();
            foreach (var (ours, p) in model.named_parameters())
            {
                float[] values = Read(file, names, ours, config);
                if (values.LongLength != p.numel())
                    throw new InputException($"GGUF file '{path}': '{ours}' has {values.Length} values, the model needs " +
                        $"{p.numel()} ({string.Join("x", p.shape)})");
                using var t = tensor(values, p.shape);
                p.copy_(t);
            }
            return (model, tokenizer);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>A gpt2 file's GELU: what our export recorded ("gelu" = exact = null), else llama.cpp's and GPT-2's tanh form.</summary>
    static string? ActivationOf(GgufFile file) => file.Get("llmlab.activation_function") is string act
        ? act == "gelu" ? null : act
        : "gelu_new";

    /// <summary>A llama file's RoPE scaling: ours as recorded, llama.cpp's linear keys, or a refusal for per-pair divisors
    /// we did not write (we cannot tell which rescaling made them).</summary>
    static RopeScaling? RopeScalingOf(GgufFile file)
    {
        if (file.Get("llmlab.rope_scaling") is string json)
            return System.Text.Json.JsonSerializer.Deserialize<RopeScaling>(json)
                ?? throw new InputException($"GGUF file '{file.Path}': llmlab.rope_scaling is not a JSON object");
        if (file.Tensors.Any(t => t.Name == "rope_freqs.weight"))
            throw new InputException($"GGUF file '{file.Path}' has rope_freqs.weight (per-pair RoPE divisors, as Llama 3.1 " +
                "conversions write); LlmLab loads RoPE scaling from its own exports or llama.rope.scaling.type = linear");
        if (file.Get("llama.rope.scaling.type") is not string type || type == "none") return null;
        if (type != "linear")
            throw new InputException($"GGUF file '{file.Path}': llama.rope.scaling.type '{type}' is not implemented (linear is)");
        return new RopeScaling { RopeType = "linear", Factor = file.Get("llama.rope.scaling.factor") is float f ? f : 1 };
    }

    /// <summary>The double written with the fewest digits that round-trips the float (1e-5f → 1e-5, not 9.99999974e-6).</summary>
    internal static double ShortestDouble(float f) =>
        double.Parse(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    static float[] Read(GgufFile file, IReadOnlyDictionary<string, string> names, string ours, GptConfig c)
    {
        if (names.TryGetValue(ours, out var theirs)) return file.ReadFloats(file.Tensor(theirs));
        // Llama's separate q, k, v make our fused c_attn (weights and biases), rows back in "rotate half" order.
        var m = System.Text.RegularExpressions.Regex.Match(ours, @"^h\.(\d+)\.attn\.c_attn\.(weight|bias)$");
        if (!m.Success) throw new InputException($"GGUF file '{file.Path}': no tensor for our '{ours}'");
        string b = $"blk.{m.Groups[1].Value}.attn_", kind = m.Groups[2].Value;
        int cols = kind == "weight" ? c.Width : 1;
        float[] q = GgufExport.RopePairsHalf(file.ReadFloats(file.Tensor(b + "q." + kind)), cols, c.HeadSize);
        float[] k = GgufExport.RopePairsHalf(file.ReadFloats(file.Tensor(b + "k." + kind)), cols, c.HeadSize);
        float[] v = file.ReadFloats(file.Tensor(b + "v." + kind));
        return [.. q, .. k, .. v];
    }
}
