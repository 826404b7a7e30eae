using LlmLab.Nn.Gpt;

namespace LlmLab.Interop;

/// <summary>Our parameter names → llama.cpp's GGUF tensor names (<c>llama-arch.cpp</c>), for the tensors that map one to
/// one; llama's fused q/k/v is handled by its caller. Stateless.</summary>
static class GgufTensorNames
{
    public static IReadOnlyDictionary<string, string> For(GptConfig c)
    {
        bool llama = c.PositionEmbedding == PositionEmbeddingKind.Rope;
        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["wte.weight"] = "token_embd.weight", ["ln_f.weight"] = "output_norm.weight", ["ln_f.bias"] = "output_norm.bias",
            ["lm_head.weight"] = "output.weight", ["wpe.weight"] = "position_embd.weight",
        };
        for (int i = 0; i < c.Layers; i++)
        {
            string h = $"h.{i}.", b = $"blk.{i}.";
            foreach (string s in (string[])["weight", "bias"])
            {
                map[$"{h}ln_1.{s}"] = $"{b}attn_norm.{s}";
                map[$"{h}ln_2.{s}"] = $"{b}ffn_norm.{s}";
                map[$"{h}attn.c_proj.{s}"] = $"{b}attn_output.{s}";
                map[$"{h}mlp.c_fc.{s}"] = $"{b}ffn_up.{s}";
                map[$"{h}mlp.c_proj.{s}"] = $"{b}ffn_down.{s}";
                map[$"{h}mlp.c_gate.{s}"] = $"{b}ffn_gate.{s}";
                if (!llama) map[$"{h}attn.c_attn.{s}"] = $"{b}attn_qkv.{s}";
            }
        }
        return map;
    }
}
