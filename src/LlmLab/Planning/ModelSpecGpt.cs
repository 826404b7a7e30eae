using LlmLab.Nn.Gpt;

namespace LlmLab.Planning;

/// <summary>
/// The <see cref="GptModel"/> configuration of a <see cref="ModelSpec"/>, so the planner's predictions are measured on the
/// model the labs train rather than on a second transformer written for the purpose. Only shapes GptModel can build are
/// accepted; the rest are refused naming the field.
/// </summary>
public static class ModelSpecGpt
{
    /// <summary>Maps <paramref name="spec"/> to a <see cref="GptConfig"/> with the same parameter tensors.</summary>
    /// <exception cref="InputException">The spec has a shape GptModel does not offer.</exception>
    public static GptConfig ToGptConfig(ModelSpec spec)
    {
        spec.Validate();
        if (spec.AttentionBias != spec.MlpBias)
            throw new InputException($"model '{spec.Name}': GptModel has one bias switch for attention and MLP (attention_bias = " +
                $"{spec.AttentionBias}, mlp_bias = {spec.MlpBias}); make them equal");
        if (spec.ExplicitHeadDim > 0 && spec.ExplicitHeadDim * spec.NumHeads != spec.HiddenSize)
            throw new InputException(
                $"model '{spec.Name}': head_dim {spec.ExplicitHeadDim} × {spec.NumHeads} heads ≠ hidden_size {spec.HiddenSize}; " +
                $"GptModel derives the head size");
        if (spec.VocabSize > int.MaxValue)
            throw new InputException($"model '{spec.Name}': vocab_size {spec.VocabSize} is too large to build");
        var config = new GptConfig
        {
            VocabSize = (int)spec.VocabSize,
            Context = spec.MaxPositionEmbeddings,
            Width = spec.HiddenSize,
            Layers = spec.NumLayers,
            Heads = spec.NumHeads,
            KvHeads = spec.NumKeyValueHeads,
            IntermediateSize = spec.IntermediateSize,
            PositionEmbedding = spec.LearnedPositions ? PositionEmbeddingKind.Learned : PositionEmbeddingKind.Rope,
            Mlp = spec.Mlp == MlpKind.SwiGlu ? FeedForwardKind.SwiGlu : FeedForwardKind.Gelu,
            Norm = spec.Norm == NormKind.RmsNorm ? NormalizationKind.RmsNorm : NormalizationKind.LayerNorm,
            TieWordEmbeddings = spec.TieWordEmbeddings,
            Bias = spec.AttentionBias,
            NumLocalExperts = spec.NumExperts > 1 ? spec.NumExperts : null,
            NumExpertsPerTok = spec.NumExperts > 1 ? spec.ExpertsPerToken : null,
        };
        config.Validate();
        return config;
    }
}
