namespace LlmLab.Planning;

/// <summary>The feed-forward block of a transformer layer.</summary>
public enum MlpKind
{
    /// <summary>Two matrices, up (d→I) and down (I→d), with GELU between (GPT-2).</summary>
    Gelu,
    /// <summary>Three matrices, gate and up (d→I) and down (I→d): down(silu(gate(x)) · up(x)) (Llama, Mistral).</summary>
    SwiGlu,
}
