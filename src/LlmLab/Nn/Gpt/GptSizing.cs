namespace LlmLab.Nn.Gpt;

/// <summary>
/// Sizes of a <see cref="GptModel"/> from its config alone, without allocating a tensor: parameter counts (equal to the
/// built model's), the parameters each token uses (a Mixture-of-Experts model's active parameters), and the training
/// FLOPs per token. Pure functions; thread-safe.
/// </summary>
public static class GptSizing
{
    /// <summary>
    /// Every trainable parameter of <c>new GptModel(config)</c>, by formula. With d = n_embd, I the MLP width,
    /// hs = d/nh, V the vocabulary, P the context:
    /// token embedding V·d; learned positions P·d (none with RoPE); per layer, two norms, c_attn d·(nh + 2·nkv)·hs,
    /// c_proj d·d, and the MLP (2·d·I, or 3·d·I with SwiGLU), each with its bias when the config has biases; the final
    /// norm; and an untied head V·d (no bias). GPT-2 small: 124,439,808. With E experts, each layer holds E expert MLPs
    /// and a router d·E (no bias).
    /// </summary>
    /// <exception cref="InputException">An invalid config.</exception>
    public static long ParameterCount(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        long d = config.Width, v = config.VocabSize;
        long total = v * d;                                                        // wte
        if (config.PositionEmbedding == PositionEmbeddingKind.Learned) total += config.Context * d; // wpe
        total += config.Layers * LayerParameters(config);                          // h.0 … h.L−1
        total += NormParameters(config);                                           // ln_f
        if (!config.TieWordEmbeddings) total += v * d;                             // lm_head
        return total;
    }

    /// <summary>Parameters of one block: two norms, attention, and the MLP (or every expert and the router).</summary>
    public static long LayerParameters(GptConfig config)
    {
        long d = config.Width, b = config.Bias ? 1 : 0;
        long qkv = (config.Heads + 2L * config.KeyValueHeads) * config.HeadSize;
        long attention = d * qkv + b * qkv + d * d + b * d;                         // c_attn + c_proj
        long mlp = config.Experts * MlpParameters(config);                         // c_fc (+ c_gate) + c_proj, per expert
        long router = config.IsMixtureOfExperts ? d * config.Experts : 0;          // gate, no bias
        return 2 * NormParameters(config) + attention + mlp + router;
    }

    /// <summary>
    /// The parameters one token uses (Mixtral's "active parameters", 12.9B of its 46.7B): every parameter but the
    /// experts it is not routed to — k of the E experts per layer, plus the router. Equals <see cref="ParameterCount"/>
    /// for a dense model. Embedding rows count whole, as in <see cref="ParameterCount"/>.
    /// </summary>
    /// <exception cref="InputException">An invalid config.</exception>
    public static long ActiveParameterCount(GptConfig config) =>
        ParameterCount(config) - config.Layers * (config.Experts - config.ExpertsPerToken) * MlpParameters(config);

    /// <summary>One MLP (dense, or one expert): c_fc (+ c_gate) and c_proj, with their biases when the config has biases.</summary>
    public static long MlpParameters(GptConfig config)
    {
        long d = config.Width, i = config.FeedForwardWidth, b = config.Bias ? 1 : 0;
        long matrices = config.Mlp == FeedForwardKind.SwiGlu ? 3 : 2;
        return matrices * d * i + b * ((matrices - 1) * i + d);
    }

    /// <summary>A norm over d channels: LayerNorm's gain and (with biases) shift, RMSNorm's gain.</summary>
    public static long NormParameters(GptConfig config) =>
        config.Norm == NormalizationKind.RmsNorm || !config.Bias ? config.Width : 2L * config.Width;

    /// <summary>
    /// The N that the FLOPs formula uses, as nanoGPT's <c>get_num_params(non_embedding=True)</c>: every parameter but
    /// the position table (the token embedding stays, being also the head's matmul when tied).
    /// </summary>
    public static long NonEmbeddingParameterCount(GptConfig config) =>
        ParameterCount(config) - (config.PositionEmbedding == PositionEmbeddingKind.Learned ? (long)config.Context * config.Width : 0);

    /// <summary>
    /// Training FLOPs per token (forward + backward) at sequence length <paramref name="sequence"/>: 6·N + 12·L·nh·hs·T,
    /// the PaLM paper's appendix B formula (Chowdhery et al. 2022) as nanoGPT's <c>estimate_mfu</c> computes it, N from
    /// <see cref="NonEmbeddingParameterCount"/>. 6·N: 2 FLOPs per multiply-add, ×3 for forward + backward; the second
    /// term is the attention scores and their weighted sum, which no parameter accounts for. Forward only is a third.
    /// With experts, N counts the active parameters only (a token's matmuls touch k experts and the router, not E), so
    /// a dense model and an MoE model of equal active parameters cost the same FLOPs per token.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> below 1.</exception>
    public static double FlopsPerToken(GptConfig config, int sequence)
    {
        if (sequence < 1) throw new ArgumentOutOfRangeException(nameof(sequence), $"sequence must be >= 1 (got {sequence})");
        double n = NonEmbeddingParameterCount(config) - (ParameterCount(config) - ActiveParameterCount(config));
        return 6 * n + 12.0 * config.Layers * config.Heads * config.HeadSize * sequence;
    }
}
