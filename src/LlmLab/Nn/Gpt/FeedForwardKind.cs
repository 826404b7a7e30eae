using System.Text.Json.Serialization;

namespace LlmLab.Nn.Gpt;

/// <summary>The feed-forward layer of a <see cref="GptBlock"/> (config key <c>mlp</c>).</summary>
public enum FeedForwardKind
{
    /// <summary>up (d → I) → GELU → down (I → d) (GPT-2, nanoGPT).</summary>
    [JsonStringEnumMemberName("gelu")] Gelu,
    /// <summary>down(silu(gate(x)) · up(x)): the SiLU-gated linear unit (Shazeer 2020, "GLU Variants Improve
    /// Transformer"; Llama, Mistral), three matrices instead of two.</summary>
    [JsonStringEnumMemberName("swiglu")] SwiGlu,
}
