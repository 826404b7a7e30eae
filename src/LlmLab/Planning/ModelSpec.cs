namespace LlmLab.Planning;

/// <summary>
/// The shape of a decoder-only transformer, enough to count its parameters and size its KV cache and activations.
/// Field names follow Hugging Face's <c>config.json</c> (see <see cref="ModelPresets.FromHfConfig"/>). Covers
/// GPT-2 (LayerNorm, GELU MLP, biases, learned positions, tied head), Llama/Mistral (RMSNorm, SwiGLU, no biases,
/// rotary positions, grouped-query attention) and Mixtral-style mixture-of-experts MLPs. Immutable.
/// </summary>
/// <param name="Name">Preset name or the config's <c>_name_or_path</c>.</param>
/// <param name="VocabSize">Rows of the token embedding (and columns of the output head).</param>
/// <param name="HiddenSize">Width d of the residual stream.</param>
/// <param name="NumLayers">Transformer blocks L.</param>
/// <param name="NumHeads">Query heads.</param>
/// <param name="NumKeyValueHeads">Key/value heads (grouped-query attention); equal to <paramref name="NumHeads"/> for
/// multi-head attention.</param>
/// <param name="IntermediateSize">Width I of the MLP (per expert for MoE).</param>
/// <param name="MaxPositionEmbeddings">Longest context; rows of the position table when <paramref name="LearnedPositions"/>.</param>
/// <param name="TieWordEmbeddings">The output head reuses the token embedding matrix (no extra parameters).</param>
/// <param name="NumExperts">MLP experts per layer (1 = dense).</param>
/// <param name="ExpertsPerToken">Experts each token is routed to (top-k).</param>
/// <param name="Mlp">The MLP's form: GELU (two matrices) or SwiGLU (three).</param>
/// <param name="Norm">LayerNorm (weight + bias) or RMSNorm (weight).</param>
/// <param name="AttentionBias">q, k, v and o projections have biases.</param>
/// <param name="MlpBias">MLP projections have biases.</param>
/// <param name="LearnedPositions">A learned absolute position table (GPT-2) rather than rotary positions.</param>
/// <param name="ExplicitHeadDim">Head dimension when it is not <c>HiddenSize / NumHeads</c> (0 = derived).</param>
public sealed record ModelSpec(
    string Name, long VocabSize, int HiddenSize, int NumLayers, int NumHeads, int NumKeyValueHeads,
    int IntermediateSize, int MaxPositionEmbeddings, bool TieWordEmbeddings,
    int NumExperts = 1, int ExpertsPerToken = 1,
    MlpKind Mlp = MlpKind.SwiGlu, NormKind Norm = NormKind.RmsNorm,
    bool AttentionBias = false, bool MlpBias = false, bool LearnedPositions = false, int ExplicitHeadDim = 0)
{
    /// <summary>Dimension of one attention head.</summary>
    public int HeadDim => ExplicitHeadDim > 0 ? ExplicitHeadDim : HiddenSize / Math.Max(1, NumHeads);

    /// <summary>Width of the query projection's output (NumHeads · HeadDim).</summary>
    public long QueryDim => (long)NumHeads * HeadDim;

    /// <summary>Width of the key (and of the value) projection's output (NumKeyValueHeads · HeadDim).</summary>
    public long KeyValueDim => (long)NumKeyValueHeads * HeadDim;

    /// <summary>Parameters of one normalisation layer.</summary>
    public long NormParameters => Norm == NormKind.LayerNorm ? 2L * HiddenSize : HiddenSize;

    /// <summary>Parameters of one attention block: q, k, v, o projections (+ biases).</summary>
    public long AttentionParameters
    {
        get
        {
            long d = HiddenSize;
            long weights = d * QueryDim + 2 * d * KeyValueDim + QueryDim * d;
            long biases = AttentionBias ? QueryDim + 2 * KeyValueDim + d : 0;
            return weights + biases;
        }
    }

    /// <summary>Parameters of one expert's MLP (of the MLP when dense).</summary>
    public long ExpertParameters
    {
        get
        {
            long d = HiddenSize, i = IntermediateSize;
            return Mlp == MlpKind.SwiGlu
                ? 3 * d * i + (MlpBias ? 2 * i + d : 0)
                : 2 * d * i + (MlpBias ? i + d : 0);
        }
    }

    /// <summary>Parameters of the MoE router (a d×E linear without bias, as in Mixtral's <c>gate</c>); 0 when dense.</summary>
    public long RouterParameters => NumExperts > 1 ? (long)HiddenSize * NumExperts : 0;

    /// <summary>Token embedding, position table, final norm and (untied) output head.</summary>
    public long NonLayerParameters =>
        VocabSize * HiddenSize
        + (LearnedPositions ? (long)MaxPositionEmbeddings * HiddenSize : 0)
        + NormParameters
        + (TieWordEmbeddings ? 0 : VocabSize * HiddenSize);

    /// <summary>Parameters of one layer counting <paramref name="experts"/> experts.</summary>
    long LayerParameters(int experts) =>
        2 * NormParameters + AttentionParameters + experts * ExpertParameters + RouterParameters;

    /// <summary>Every stored parameter (all experts), counting a tied matrix once.</summary>
    public long ParameterCount => NonLayerParameters + NumLayers * LayerParameters(NumExperts);

    /// <summary>Parameters one token uses: as <see cref="ParameterCount"/> but only <see cref="ExpertsPerToken"/> experts.</summary>
    public long ActiveParameterCount => NonLayerParameters + NumLayers * LayerParameters(Math.Min(ExpertsPerToken, NumExperts));

    /// <summary>Throws <see cref="InputException"/> naming the first field that makes no sense, with the fix.</summary>
    public ModelSpec Validate()
    {
        void Positive(string field, long v)
        {
            if (v < 1) throw new InputException($"model '{Name}': {field} must be >= 1 (got {v})");
        }
        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", NumLayers);
        Positive("num_attention_heads", NumHeads);
        Positive("num_key_value_heads", NumKeyValueHeads);
        Positive("intermediate_size", IntermediateSize);
        Positive("max_position_embeddings", MaxPositionEmbeddings);
        Positive("num_local_experts", NumExperts);
        Positive("num_experts_per_tok", ExpertsPerToken);
        if (NumHeads % NumKeyValueHeads != 0)
            throw new InputException(
                $"model '{Name}': num_attention_heads ({NumHeads}) must be a multiple of num_key_value_heads ({NumKeyValueHeads})");
        if (ExplicitHeadDim <= 0 && HiddenSize % NumHeads != 0)
            throw new InputException(
                $"model '{Name}': hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumHeads}), or give head_dim");
        if (ExpertsPerToken > NumExperts)
            throw new InputException(
                $"model '{Name}': num_experts_per_tok ({ExpertsPerToken}) must be <= num_local_experts ({NumExperts})");
        return this;
    }
}
