using System.Globalization;
using System.Text.Json.Serialization;
using LlmLab.Nn.Attention;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// The shape of a <see cref="GptModel"/>, with Hugging Face-style <c>config.json</c> names (snake_case, GPT-2's
/// <c>n_positions</c>/<c>n_embd</c>/<c>n_layer</c>/<c>n_head</c>; Llama's names are accepted when reading, see
/// <see cref="Load"/>). The defaults are GPT-2 small (124M) as nanoGPT builds it, with the unpadded vocabulary.
/// Immutable; <see cref="Validate"/> rejects a shape no model can have, naming the field.
/// </summary>
public sealed partial record GptConfig
{
    /// <summary>V: token ids are 0..V−1. GPT-2's BPE has 50,257 tokens.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 50257;

    /// <summary>The longest sequence (the position table's length, and RoPE's precomputed angles). GPT-2: 1,024.</summary>
    [JsonPropertyName("n_positions")] public int Context { get; init; } = 1024;

    /// <summary>d, the residual stream's width. GPT-2 small: 768.</summary>
    [JsonPropertyName("n_embd")] public int Width { get; init; } = 768;

    /// <summary>L, Transformer blocks. GPT-2 small: 12.</summary>
    [JsonPropertyName("n_layer")] public int Layers { get; init; } = 12;

    /// <summary>nh, query heads; must divide <see cref="Width"/>. GPT-2 small: 12 (head size 64).</summary>
    [JsonPropertyName("n_head")] public int Heads { get; init; } = 12;

    /// <summary>Key/value heads for grouped-query attention (Ainslie et al. 2023); must divide <see cref="Heads"/>.
    /// null = <see cref="Heads"/> (multi-head attention); 1 = multi-query attention (Shazeer 2019).</summary>
    [JsonPropertyName("n_kv_heads")] public int? KvHeads { get; init; }

    /// <summary>The MLP's hidden width I. null = 4·d for GELU (GPT-2); for SwiGLU, 8·d/3 rounded up to a multiple of 8,
    /// which keeps the three matrices at GELU's 8·d² parameters (Llama's rule without its coarser rounding).</summary>
    [JsonPropertyName("intermediate_size")] public int? IntermediateSize { get; init; }

    /// <summary>Learned absolute positions (GPT-2) or rotary embeddings (Llama).</summary>
    [JsonPropertyName("position_embedding")] public PositionEmbeddingKind PositionEmbedding { get; init; } = PositionEmbeddingKind.Learned;

    /// <summary>RoPE's base θ: pair i of a head rotates by position · θ^(−2i/hs). 10,000 as in RoFormer and Llama 1/2.</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;

    /// <summary>RoPE's long-context rescaling of the rotation frequencies (HF <c>rope_scaling</c>: Llama 3.1's
    /// <c>llama3</c>, or <c>linear</c> position interpolation); null = none. RoPE only.</summary>
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; init; }

    /// <summary>GELU MLP (GPT-2) or SwiGLU (Llama).</summary>
    [JsonPropertyName("mlp")] public FeedForwardKind Mlp { get; init; } = FeedForwardKind.Gelu;

    /// <summary>The GELU MLP's activation, by transformers' <c>activation_function</c> names: null or <c>gelu</c> = the
    /// exact erf form 0.5·x·(1 + erf(x/√2)) that nanoGPT's nn.GELU() and our training use (the default, so checkpoints
    /// written before this key load unchanged); <c>gelu_new</c> or <c>gelu_pytorch_tanh</c> = the tanh approximation
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) that GPT-2 was trained with (Hendrycks &amp; Gimpel 2016, §2) and that
    /// llama.cpp's gpt2 architecture computes. The two differ by &lt; 1e-3 per activation.</summary>
    [JsonPropertyName("activation_function")] public string? ActivationFunction { get; init; }

    /// <summary>LayerNorm (GPT-2) or RMSNorm (Llama).</summary>
    [JsonPropertyName("norm")] public NormalizationKind Norm { get; init; } = NormalizationKind.LayerNorm;

    /// <summary>ε inside the norms' square root. 1e-5: GPT-2's layer_norm_epsilon and PyTorch's default.</summary>
    [JsonPropertyName("norm_eps")] public double NormEps { get; init; } = 1e-5;

    /// <summary>The LM head reuses the token embedding matrix (Press &amp; Wolf 2017; GPT-2). Saves V·d parameters.</summary>
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; } = true;

    /// <summary>Dropout probability on the embeddings and on each sub-layer's output before it joins the residual stream,
    /// in training only. 0 for pretraining (nanoGPT), 0.2 for its small Shakespeare model. Unlike nanoGPT there is no
    /// dropout on the attention weights: the three kernels share one contract without it, so they stay interchangeable.</summary>
    [JsonPropertyName("dropout")] public double Dropout { get; init; }

    /// <summary>Biases in the linear layers and LayerNorms (GPT-2: yes; nanoGPT notes that without them it is a bit
    /// better and faster; Llama: none).</summary>
    [JsonPropertyName("bias")] public bool Bias { get; init; } = true;

    /// <summary>Which kernel computes attention: naive (materialised scores), tiled (online softmax) or sdpa (libtorch).</summary>
    [JsonPropertyName("attention")] public AttentionKernel Attention { get; init; } = AttentionKernel.Sdpa;

    /// <summary>E, experts of a Mixture-of-Experts feed-forward layer in every block (Mixtral's name; 8 there). null = the
    /// dense MLP. Each expert is an MLP of <see cref="IntermediateSize"/> width, as in Mixtral.</summary>
    [JsonPropertyName("num_local_experts")] public int? NumLocalExperts { get; init; }

    /// <summary>k, experts each token is sent to (Mixtral: 2; Switch Transformer: 1). null = 2. MoE only.</summary>
    [JsonPropertyName("num_experts_per_tok")] public int? NumExpertsPerTok { get; init; }

    /// <summary>α of the Switch load-balancing loss α·E·Σ fᵢ·Pᵢ added to the training loss (Fedus et al. 2021 §2.2 use
    /// 0.01). null = 0.01; 0 turns it off. MoE only.</summary>
    [JsonPropertyName("router_aux_loss_coef")] public double? RouterAuxLossCoef { get; init; }

    /// <summary>β of the router z-loss β·mean(logsumexp(router logits)²) (Zoph et al. 2022, ST-MoE §3.1, use 0.001).
    /// null = 0 (off). MoE only.</summary>
    [JsonPropertyName("router_z_loss_coef")] public double? RouterZLossCoef { get; init; }

    /// <summary>Capacity factor: each expert takes at most ⌈factor · tokens · k / E⌉ assignments of a forward, the rest are
    /// dropped (Switch Transformer §2.1; 1.25 in training there). null or 0 = dropless (every assignment is computed,
    /// as Mixtral and MegaBlocks). MoE only.</summary>
    [JsonPropertyName("capacity_factor")] public double? CapacityFactor { get; init; }

    /// <summary>Whether the GELU MLP uses the tanh approximation (<see cref="ActivationFunction"/> gelu_new or
    /// gelu_pytorch_tanh) rather than the exact erf form.</summary>
    [JsonIgnore] public bool TanhGelu => ActivationFunction is "gelu_new" or "gelu_pytorch_tanh";

    /// <summary>hs = d / nh, the width of one head.</summary>
    [JsonIgnore] public int HeadSize => Heads > 0 ? Width / Heads : 0;

    /// <summary>Key/value heads in effect: <see cref="KvHeads"/>, or <see cref="Heads"/> when it is null.</summary>
    [JsonIgnore] public int KeyValueHeads => KvHeads ?? Heads;

    /// <summary>The MLP's hidden width in effect (see <see cref="IntermediateSize"/>).</summary>
    [JsonIgnore]
    public int FeedForwardWidth => IntermediateSize ?? (Mlp == FeedForwardKind.Gelu ? 4 * Width : (8 * Width / 3 + 7) / 8 * 8);

    /// <summary>Whether the blocks' feed-forward layer is a Mixture-of-Experts (<see cref="NumLocalExperts"/> is set).</summary>
    [JsonIgnore] public bool IsMixtureOfExperts => NumLocalExperts is not null;

    /// <summary>k in effect (<see cref="NumExpertsPerTok"/>, default 2); 1 for a dense model, whose one MLP every token uses.</summary>
    [JsonIgnore] public int ExpertsPerToken => IsMixtureOfExperts ? NumExpertsPerTok ?? 2 : 1;

    /// <summary>E in effect: <see cref="NumLocalExperts"/>, or 1 for a dense model.</summary>
    [JsonIgnore] public int Experts => NumLocalExperts ?? 1;

    /// <summary>α in effect (default 0.01; 0 for a dense model).</summary>
    [JsonIgnore] public double AuxLossCoefficient => IsMixtureOfExperts ? RouterAuxLossCoef ?? 0.01 : 0;

    /// <summary>β in effect (default 0).</summary>
    [JsonIgnore] public double ZLossCoefficient => RouterZLossCoef ?? 0;

    /// <summary>Whether experts have a capacity (a positive <see cref="CapacityFactor"/>) and may drop assignments.</summary>
    [JsonIgnore] public bool HasExpertCapacity => CapacityFactor is > 0;

    /// <summary>GPT-2 small as released (Radford et al. 2019; HF <c>gpt2</c>): 124,439,808 parameters.</summary>
    public static GptConfig Gpt2Small => new();

    /// <summary>nanoGPT's <c>config/train_shakespeare_char.py</c> model: 6 layers, 6 heads, 384 wide, 256 characters
    /// of context, dropout 0.2, and no biases (train.py's default, which that config keeps); <paramref name="vocabSize"/>
    /// is the character vocabulary (65 there, where nanoGPT prints 10.65M parameters).</summary>
    public static GptConfig ShakespeareChar(int vocabSize) => new()
    {
        VocabSize = vocabSize, Context = 256, Width = 384, Layers = 6, Heads = 6, Dropout = 0.2, Bias = false,
    };

    /// <summary>
    /// Rejects a shape no model can have; the message names the <c>config.json</c> field and the fix.
    /// </summary>
    /// <exception cref="InputException">A size below 1, heads that do not divide the width, KV heads that do not divide
    /// the heads, an odd head size with RoPE, dropout outside [0, 1), a non-positive ε or θ; for Mixture-of-Experts,
    /// num_local_experts below 1, num_experts_per_tok outside 1..num_local_experts, a negative coefficient or capacity
    /// factor, or an MoE key without num_local_experts.</exception>
    public void Validate()
    {
        AtLeast("vocab_size", VocabSize, 1);
        AtLeast("n_positions", Context, 1);
        AtLeast("n_embd", Width, 1);
        AtLeast("n_layer", Layers, 1);
        AtLeast("n_head", Heads, 1);
        if (Width % Heads != 0)
            throw new InputException(Inv($"config n_embd ({Width}) must be divisible by n_head ({Heads}): each head gets n_embd / n_head channels; change one of them"));
        if (KvHeads is { } kv)
        {
            AtLeast("n_kv_heads", kv, 1);
            if (Heads % kv != 0)
                throw new InputException(Inv($"config n_kv_heads ({kv}) must divide n_head ({Heads}): each key/value head serves an equal group of query heads"));
        }
        if (IntermediateSize is { } i) AtLeast("intermediate_size", i, 1);
        if (PositionEmbedding == PositionEmbeddingKind.Rope && HeadSize % 2 != 0)
            throw new InputException(Inv($"config position_embedding = rope needs an even head size (n_embd / n_head = {HeadSize}): RoPE rotates pairs of channels"));
        if (!(RopeTheta > 0) || double.IsInfinity(RopeTheta)) throw new InputException(Inv($"config rope_theta must be a finite number > 0 (got {RopeTheta})"));
        if (!(NormEps > 0) || double.IsInfinity(NormEps)) throw new InputException(Inv($"config norm_eps must be a finite number > 0 (got {NormEps})"));
        if (ActivationFunction is { } act)
        {
            if (act is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh"))
                throw new InputException("config activation_function must be gelu (exact), gelu_new or gelu_pytorch_tanh " +
                    $"(tanh approximation); got '{act}'");
            if (Mlp != FeedForwardKind.Gelu)
                throw new InputException($"config activation_function ('{act}') applies to the gelu MLP; mlp = swiglu uses SiLU: " +
                    "remove activation_function");
        }
        if (RopeScaling is { } scaling)
        {
            if (PositionEmbedding != PositionEmbeddingKind.Rope)
                throw new InputException("config rope_scaling applies to position_embedding = rope: remove rope_scaling");
            scaling.Validate();
        }
        if (!(Dropout >= 0 && Dropout < 1)) throw new InputException(Inv($"config dropout must be in [0, 1) (got {Dropout})"));
        ValidateExperts();
        if (!Enum.IsDefined(Attention)) throw new InputException(Inv($"config attention must be naive, tiled or sdpa (got {(int)Attention})"));
    }

    /// <summary>The Mixture-of-Experts fields: all or nothing, k between 1 and E, coefficients ≥ 0, capacity ≥ 0.</summary>
    void ValidateExperts()
    {
        if (NumLocalExperts is not { } experts)
        {
            foreach (var (field, set) in new[] { ("num_experts_per_tok", NumExpertsPerTok is not null), ("router_aux_loss_coef",
                RouterAuxLossCoef is not null),
                         ("router_z_loss_coef", RouterZLossCoef is not null), ("capacity_factor", CapacityFactor is not null) })
                if (set) throw new InputException($"config {field} applies to a Mixture-of-Experts model only: set num_local_experts too, or remove {field}");
            return;
        }
        AtLeast("num_local_experts", experts, 1);
        if (NumExpertsPerTok is { } k)
        {
            AtLeast("num_experts_per_tok", k, 1);
            if (k > experts)
                throw new InputException(Inv($"config num_experts_per_tok ({k}) must be <= num_local_experts ({experts}): a token cannot use more experts than there are"));
        }
        else if (experts < 2) throw new InputException(Inv($"config num_local_experts = {experts} needs num_experts_per_tok = 1 (the default, 2, is more experts than there are)"));
        NonNegative("router_aux_loss_coef", RouterAuxLossCoef);
        NonNegative("router_z_loss_coef", RouterZLossCoef);
        if (CapacityFactor is { } c && (!(c >= 0) || double.IsInfinity(c)))
            throw new InputException(Inv($"config capacity_factor must be a finite number > 0, or 0 / null for dropless routing (got {c})"));
    }

    static void NonNegative(string field, double? value)
    {
        if (value is { } v && (!(v >= 0) || double.IsInfinity(v)))
            throw new InputException(Inv($"config {field} must be a finite number >= 0 (got {v})"));
    }

    static void AtLeast(string field, long value, long min)
    {
        if (value < min) throw new InputException(Inv($"config {field} must be >= {min} (got {value})"));
    }

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The feed-forward layer of a <see cref="GptBlock"/> (config key <c>mlp</c>).</summary>
public enum FeedForwardKind
{
    /// <summary>up (d → I) → GELU → down (I → d) (GPT-2, nanoGPT).</summary>
    [JsonStringEnumMemberName("gelu")] Gelu,
    /// <summary>down(silu(gate(x)) · up(x)): the SiLU-gated linear unit (Shazeer 2020, "GLU Variants Improve
    /// Transformer"; Llama, Mistral), three matrices instead of two.</summary>
    [JsonStringEnumMemberName("swiglu")] SwiGlu,
}

/// <summary>The normalisation before each sub-layer and after the last block (config key <c>norm</c>).</summary>
public enum NormalizationKind
{
    /// <summary>LayerNorm (Ba et al. 2016): subtract the mean, divide by the standard deviation, scale (and shift when
    /// the config has biases).</summary>
    [JsonStringEnumMemberName("layernorm")] LayerNorm,
    /// <summary>RMSNorm (Zhang &amp; Sennrich 2019): divide by the root mean square and scale; no mean, no shift.</summary>
    [JsonStringEnumMemberName("rmsnorm")] RmsNorm,
}

/// <summary>How a <see cref="GptModel"/> tells positions apart (config key <c>position_embedding</c>).</summary>
public enum PositionEmbeddingKind
{
    /// <summary>A learned table of n_positions vectors added to the token embeddings (GPT-2, nanoGPT).</summary>
    [JsonStringEnumMemberName("learned")] Learned,
    /// <summary>Rotary position embedding applied to queries and keys (Su et al. 2021, "RoFormer"; Llama, Mistral).</summary>
    [JsonStringEnumMemberName("rope")] Rope,
}
