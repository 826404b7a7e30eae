using LlmLab.Nn.Gpt;

namespace LlmLab.Interop;

/// <summary>
/// Hugging Face transformers' parameter names for our GPT's tensors: GPT-2 (<c>GPT2LMHeadModel</c>: <c>transformer.h.N.…</c>,
/// whose <c>Conv1D</c> layers store weights as (in, out), the transpose of our <c>Linear</c>'s (out, in)) and the Llama
/// family (<c>LlamaForCausalLM</c>, Mistral, Qwen2, SmolLM: <c>model.layers.N.…</c>, Linear layout, q/k/v separate). Both
/// lists as published in transformers' <c>modeling_gpt2.py</c> and <c>modeling_llama.py</c>. Stateless.
/// </summary>
public static class HfTensorNames
{
    /// <summary>Whether <paramref name="config"/> is exported and imported as GPT-2 (else as Llama).</summary>
    public static bool IsGpt2(GptConfig config) => config.PositionEmbedding == PositionEmbeddingKind.Learned;

    /// <summary>Our name → (HF name, transposed) for every one-to-one tensor; Llama's q/k/v split of c_attn is the caller's.</summary>
    public static IReadOnlyDictionary<string, (string Name, bool Transposed)> For(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var map = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        if (IsGpt2(config))
        {
            map["wte.weight"] = ("transformer.wte.weight", false);
            map["wpe.weight"] = ("transformer.wpe.weight", false);
            map["ln_f.weight"] = ("transformer.ln_f.weight", false);
            map["ln_f.bias"] = ("transformer.ln_f.bias", false);
            for (int i = 0; i < config.Layers; i++)
                foreach (string part in (string[])["ln_1", "ln_2", "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"])
                {
                    map[$"h.{i}.{part}.weight"] = ($"transformer.h.{i}.{part}.weight", !part.StartsWith("ln", StringComparison.Ordinal));
                    map[$"h.{i}.{part}.bias"] = ($"transformer.h.{i}.{part}.bias", false);
                }
        }
        else
        {
            map["wte.weight"] = ("model.embed_tokens.weight", false);
            map["ln_f.weight"] = ("model.norm.weight", false);
            for (int i = 0; i < config.Layers; i++)
            {
                string h = $"h.{i}.", l = $"model.layers.{i}.";
                map[h + "ln_1.weight"] = (l + "input_layernorm.weight", false);
                map[h + "ln_2.weight"] = (l + "post_attention_layernorm.weight", false);
                foreach (string s in (string[])["weight", "bias"])
                {
                    map[$"{h}attn.c_proj.{s}"] = ($"{l}self_attn.o_proj.{s}", false);
                    map[$"{h}mlp.c_gate.{s}"] = ($"{l}mlp.gate_proj.{s}", false);
                    map[$"{h}mlp.c_fc.{s}"] = ($"{l}mlp.up_proj.{s}", false);
                    map[$"{h}mlp.c_proj.{s}"] = ($"{l}mlp.down_proj.{s}", false);
                }
            }
        }
        map["lm_head.weight"] = ("lm_head.weight", false);
        return map;
    }

    /// <summary>Llama's q, k, v names for layer <paramref name="layer"/> and "weight" or "bias".</summary>
    public static (string Q, string K, string V) LlamaQkv(int layer, string kind) =>
        ($"model.layers.{layer}.self_attn.q_proj.{kind}", $"model.layers.{layer}.self_attn.k_proj.{kind}",
            $"model.layers.{layer}.self_attn.v_proj.{kind}");
}
