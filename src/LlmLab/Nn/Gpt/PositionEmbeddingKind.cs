using System.Text.Json.Serialization;

namespace LlmLab.Nn.Gpt;

/// <summary>How a <see cref="GptModel"/> tells positions apart (config key <c>position_embedding</c>).</summary>
public enum PositionEmbeddingKind
{
    /// <summary>A learned table of n_positions vectors added to the token embeddings (GPT-2, nanoGPT).</summary>
    [JsonStringEnumMemberName("learned")] Learned,
    /// <summary>Rotary position embedding applied to queries and keys (Su et al. 2021, "RoFormer"; Llama, Mistral).</summary>
    [JsonStringEnumMemberName("rope")] Rope,
}
