using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using static TorchSharp.torch;

namespace LlmLab.Interop;

/// <summary>
/// Our GPT as a Hugging Face folder that transformers loads with <c>AutoModelForCausalLM.from_pretrained</c>:
/// <c>config.json</c> (GPT-2's keys for the GPT-2 shape, with the model's <c>activation_function</c>: <c>"gelu"</c>, the
/// exact erf GELU our training uses, or the tanh approximation's name; Llama's for RoPE + RMSNorm + SwiGLU, with
/// rope_scaling), <c>model.safetensors</c> (fp32, transformers' tensor names: see
/// <see cref="HfTensorNames"/>), <c>tokenizer.json</c> and <c>tokenizer_config.json</c> (with the chat template in Jinja).
/// GPT-2 always has biases in transformers: a model without them is written with zero biases (the same function).
/// The folder is written file by file, each atomically. Stateless and thread-safe (reads the model only).
/// </summary>
public static class HfExport
{
    /// <summary>Writes the folder <paramref name="directory"/> (created if needed).</summary>
    /// <exception cref="InputException">A shape transformers' GPT-2 or Llama cannot express (mixed GPT-2/Llama parts,
    /// Mixture-of-Experts), or a tokenizer pattern tokenizer.json cannot express.</exception>
    public static void Write(string directory, GptModel model, BpeTokenizer tokenizer, ChatTemplate? template = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var c = model.Config;
        GgufExport.ArchitectureOf(c); // the same two shapes as GGUF
        string tokenizerJson = HfTokenizerJson.Write(tokenizer);
        Directory.CreateDirectory(directory);
        SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), Tensors(model));
        string config = Config(c, tokenizer).ToJsonString(new() { WriteIndented = true }) + "\n";
        AtomicFile.WriteAllText(Path.Combine(directory, "config.json"), config);
        AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizerJson);
        var tc = new JsonObject
        {
            ["tokenizer_class"] = "PreTrainedTokenizerFast", ["model_max_length"] = c.Context, ["add_bos_token"] = false,
            ["clean_up_tokenization_spaces"] = false,
        };
        if (EndToken(tokenizer) is { } end) (tc["eos_token"], tc["bos_token"]) = (end, end);
        if (template is not null) tc["chat_template"] = ChatTemplateJinja.For(template);
        AtomicFile.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), tc.ToJsonString(new() { WriteIndented = true }) + "\n");
    }

    static string? EndToken(BpeTokenizer t) =>
        t.SpecialTokens.ContainsKey(ChatTokens.End) ? ChatTokens.End
        : t.SpecialTokens.ContainsKey("<|endoftext|>") ? "<|endoftext|>" : null;

    /// <summary>transformers' config.json for <paramref name="c"/>.</summary>
    public static JsonObject Config(GptConfig c, BpeTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(c);
        var o = HfTensorNames.IsGpt2(c)
            ? new JsonObject
            {
                ["architectures"] = new JsonArray("GPT2LMHeadModel"), ["model_type"] = "gpt2", ["vocab_size"] = c.VocabSize,
                ["n_positions"] = c.Context,
                ["n_ctx"] = c.Context, ["n_embd"] = c.Width, ["n_layer"] = c.Layers, ["n_head"] = c.Heads, ["n_inner"] = c.FeedForwardWidth,
                ["activation_function"] = c.ActivationFunction ?? "gelu",
                ["layer_norm_epsilon"] = c.NormEps, ["resid_pdrop"] = 0.0, ["embd_pdrop"] = 0.0,
                ["attn_pdrop"] = 0.0, ["scale_attn_weights"] = true, ["tie_word_embeddings"] = c.TieWordEmbeddings,
            }
            : new JsonObject
            {
                ["architectures"] = new JsonArray("LlamaForCausalLM"), ["model_type"] = "llama", ["vocab_size"] = c.VocabSize,
                ["max_position_embeddings"] = c.Context, ["hidden_size"] = c.Width, ["intermediate_size"] = c.FeedForwardWidth,
                ["num_hidden_layers"] = c.Layers, ["num_attention_heads"] = c.Heads, ["num_key_value_heads"] = c.KeyValueHeads,
                ["hidden_act"] = "silu", ["rms_norm_eps"] = c.NormEps, ["rope_theta"] = c.RopeTheta,
                ["rope_scaling"] = RopeScalingJson(c.RopeScaling),
                ["attention_bias"] = c.Bias, ["mlp_bias"] = c.Bias, ["tie_word_embeddings"] = c.TieWordEmbeddings,
            };
        if (tokenizer.SpecialTokens.TryGetValue(EndToken(tokenizer) ?? "", out int end))
            (o["bos_token_id"], o["eos_token_id"]) = (end, end);
        o["torch_dtype"] = "float32";
        return o;
    }

    /// <summary>transformers' <c>rope_scaling</c> object (null when there is none).</summary>
    static JsonObject? RopeScalingJson(RopeScaling? s)
    {
        if (s is null) return null;
        var o = new JsonObject { ["rope_type"] = s.Kind, ["factor"] = s.Factor };
        if (s.Kind != "llama3") return o;
        o["low_freq_factor"] = s.LowFreqFactor;
        o["high_freq_factor"] = s.HighFreqFactor;
        o["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings;
        return o;
    }

    /// <summary>The model's tensors under transformers' names, shapes and layouts.</summary>
    public static List<(string Name, long[] Shape, float[] Values)> Tensors(GptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        var names = HfTensorNames.For(c);
        var result = new List<(string, long[], float[])>();
        var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var (name, p) in ours)
        {
            using var scope = NewDisposeScope();
            var t = p.detach().cpu().to(ScalarType.Float32);
            if (names.TryGetValue(name, out var hf))
            {
                if (hf.Transposed) t = t.t();
                result.Add((hf.Name, t.shape, t.contiguous().data<float>().ToArray()));
                continue;
            }
            // Llama: our fused c_attn rows [q | k | v] become q_proj, k_proj, v_proj (the same "rotate half" RoPE layout).
            var m = System.Text.RegularExpressions.Regex.Match(name, @"^h\.(\d+)\.attn\.c_attn\.(weight|bias)$");
            if (!m.Success) throw new InvalidOperationException($"no transformers name for '{name}'");
            var (q, k, v) = HfTensorNames.LlamaQkv(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value);
            var parts = t.split([c.Heads * c.HeadSize, c.KeyValueHeads * c.HeadSize, c.KeyValueHeads * c.HeadSize], dim: 0);
            foreach (var (hfName, part) in new[] { (q, parts[0]), (k, parts[1]), (v, parts[2]) })
                result.Add((hfName, part.shape, part.contiguous().data<float>().ToArray()));
        }
        if (HfTensorNames.IsGpt2(c) && !c.Bias) AddZeroBiases(c, result);
        return result;
    }

    /// <summary>transformers' GPT-2 has biases everywhere: zeros for a model trained without them.</summary>
    static void AddZeroBiases(GptConfig c, List<(string, long[], float[])> result)
    {
        int qkv = (c.Heads + 2 * c.KeyValueHeads) * c.HeadSize;
        result.Add(("transformer.ln_f.bias", [c.Width], new float[c.Width]));
        for (int i = 0; i < c.Layers; i++)
            foreach (var (part, n) in new[] { ("ln_1", c.Width), ("ln_2", c.Width), ("attn.c_attn", qkv), ("attn.c_proj", c.Width),
                         ("mlp.c_fc", c.FeedForwardWidth), ("mlp.c_proj", c.Width) })
                result.Add(($"transformer.h.{i}.{part}.bias", [n], new float[n]));
    }
}
