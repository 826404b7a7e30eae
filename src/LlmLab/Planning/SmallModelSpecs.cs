namespace LlmLab.Planning;

/// <summary>
/// Shapes for small models that can be built and weighed on a CPU (<see cref="TrainingMemoryProbe"/>), in the two
/// families the presets cover, so that a measurement exercises every term of <see cref="ModelSpec.ParameterCount"/>.
/// </summary>
public static class SmallModelSpecs
{
    /// <summary>GPT-2's family: LayerNorm, GELU MLP of 4·width, biases everywhere, learned positions, tied head.
    /// With (12, 768, 12, 50257, 1024) it is GPT-2 124M.</summary>
    public static ModelSpec GptStyle(int layers, int width, int heads, int vocab, int context) =>
        new ModelSpec($"gpt-style {layers}L×{width}", vocab, width, layers, heads, heads, 4 * width, context, TieWordEmbeddings: true,
            Mlp: MlpKind.Gelu, Norm: NormKind.LayerNorm, AttentionBias: true, MlpBias: true, LearnedPositions: true).Validate();

    /// <summary>
    /// Llama/Mixtral's family: RMSNorm, SwiGLU MLP of 8/3·width rounded up to a multiple of 16 (Llama's
    /// <c>multiple_of</c> rule, at a small scale), no biases, rotary positions (no table), grouped-query attention,
    /// untied head, and <paramref name="experts"/> experts with top-2 routing when more than one.
    /// </summary>
    public static ModelSpec LlamaStyle(int layers, int width, int heads, int kvHeads, int experts, int vocab, int context)
    {
        int intermediate = (8 * width / 3 + 15) / 16 * 16;
        return new ModelSpec($"llama-style {layers}L×{width}{(experts > 1 ? $" {experts}-expert MoE" : "")}", vocab, width, layers, heads,
            kvHeads, intermediate, context, TieWordEmbeddings: false,
            NumExperts: experts, ExpertsPerToken: Math.Min(2, experts)).Validate();
    }
}
