using LlmLab.Nn.Moe;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// A decoder-only Transformer language model (GPT-2, Radford et al. 2019; after nanoGPT's <c>model.py</c>): token
/// embedding (+ learned positions, or RoPE inside attention) → dropout → L pre-norm blocks → final norm → LM head (tied
/// to the token embedding by default). Shapes: B batch, T tokens, d = n_embd, V = vocab_size.
/// Parameter names follow nanoGPT/HF GPT-2 (wte, wpe, h.N.ln_1, h.N.attn.c_attn, …, ln_f, lm_head).
/// Initialisation is GPT-2's: weights N(0, 0.02), biases 0, and the residual projections (attn.c_proj, mlp.c_proj)
/// N(0, 0.02/√(2L)) so the residual stream's variance does not grow with depth (GPT-2 §2.3). The caller seeds libtorch
/// (<c>Seeding.SeedTorch</c>) before construction for reproducible weights. Not thread-safe (a module); dispose it.
/// </summary>
public sealed class GptModel : nn.Module<Tensor, Tensor>
{
    readonly Embedding wte;
    readonly Embedding? wpe;
    readonly RotaryEmbedding? rope;
    readonly Dropout drop;
    readonly ModuleList<GptBlock> h;
    readonly nn.Module<Tensor, Tensor> ln_f;
    readonly Linear? lm_head; // null when tied: the head is then wte's matrix, applied in Head()

    /// <param name="config">The shape; validated here.</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device, the CPU). The meta device
    /// builds the structure without allocating any memory (to count or inspect a large model).</param>
    /// <exception cref="InputException">An invalid config (<see cref="GptConfig.Validate"/>), naming the field.</exception>
    public GptModel(GptConfig config, Device? device = null) : base(nameof(GptModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        wte = nn.Embedding(config.VocabSize, config.Width, device: device);
        if (config.PositionEmbedding == PositionEmbeddingKind.Learned) wpe = nn.Embedding(config.Context, config.Width, device: device);
        else rope = new RotaryEmbedding(config.HeadSize, config.Context, config.RopeTheta, device);
        drop = nn.Dropout(config.Dropout);
        h = new ModuleList<GptBlock>(Enumerable.Range(0, config.Layers).Select(_ => new GptBlock(config, device)).ToArray());
        ln_f = GptBlock.CreateNorm(config, device);
        // Tying (Press & Wolf 2017): rather than registering one Parameter under two names (which libtorch's optimizers
        // would then see twice), the untied case alone owns a head matrix.
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.Width, config.VocabSize, hasBias: false, device: device);
        RegisterComponents();
        InitWeights();
    }

    public GptConfig Config { get; }

    /// <summary>
    /// The summed, weighted auxiliary loss of the Mixture-of-Experts layers in the last forward (α·balance + β·z-loss of
    /// every layer), a differentiable scalar that belongs to the same dispose scope as that forward's logits (so it is
    /// valid until that scope ends); add it to the training loss. null for a dense model or before the first forward.
    /// </summary>
    public Tensor? AuxiliaryLoss { get; private set; }

    /// <summary>What each Mixture-of-Experts layer did in the last forward, layer 0 first; empty for a dense model.</summary>
    public IReadOnlyList<MoeRoutingStats> RoutingStatistics =>
        h.Select(b => b.Experts?.LastStats).OfType<MoeRoutingStats>().ToArray();

    /// <summary>The Mixture-of-Experts layers, layer 0 first; empty for a dense model.</summary>
    public IReadOnlyList<MoeFeedForward> ExpertLayers => h.Select(b => b.Experts).OfType<MoeFeedForward>().ToArray();

    /// <summary>Trainable parameters of the built model (equals <see cref="GptSizing.ParameterCount"/>).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Logits (B, T, V) for tokens (B, T) int64; a new tensor the caller owns.</summary>
    public override Tensor forward(Tensor idx) => Forward(idx, cache: null);

    /// <summary>
    /// Logits (B, T, V) and the mean cross-entropy over the targets (B, T) int64 (targets of −1 are ignored, as in
    /// nanoGPT). Both are new tensors the caller owns. The loss is the cross-entropy alone: a Mixture-of-Experts model's
    /// <see cref="AuxiliaryLoss"/> is to be added for training (<see cref="MoeTrainingLoss"/>).
    /// </summary>
    public (Tensor Logits, Tensor Loss) Forward(Tensor idx, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var logits = Forward(idx, cache: null);                                               // (B, T, V)
        var loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: -1);
        AuxiliaryLoss?.MoveToOuterDisposeScope();                                             // beside the logits
        return (logits.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Logits (B, T, V) for tokens (B, T) int64 that follow the <see cref="IKvCache.Length"/> tokens already in
    /// <paramref name="cache"/> (positions offset by that length); each layer appends its keys and values. With a null
    /// cache, the tokens start at position 0. A new tensor the caller owns.
    /// </summary>
    /// <exception cref="ArgumentException">Tokens not (B, T) int64, ids outside 0..V−1, a cache with other than n_layer
    /// layers, or more positions than n_positions.</exception>
    public Tensor Forward(Tensor idx, IKvCache? cache) => Forward(idx, cache, positions: null, attentionMask: null);

    /// <summary>
    /// The general forward for batches whose rows are laid out differently (left-padded prompts of different lengths,
    /// or sequences at different lengths in a batched cache): <paramref name="positions"/> (B, T) int64 gives each
    /// token's position (for the position embedding or RoPE), and <paramref name="attentionMask"/> (B, 1, T, S) bool
    /// says which of the S keys (cached + new) each new token may attend to (true = visible; it must include the causal
    /// rule, and hide padding). With both null this is the plain causal forward above. A new tensor the caller owns.
    /// </summary>
    /// <exception cref="ArgumentException">As above, or positions/mask of the wrong shape or dtype, or a position past
    /// n_positions.</exception>
    public Tensor Forward(Tensor idx, IKvCache? cache, Tensor? positions, Tensor? attentionMask)
    {
        if (idx.dim() != 2 || idx.dtype != ScalarType.Int64)
            throw new ArgumentException($"tokens must be (B, T) int64; got {idx.dtype} ({string.Join(", ", idx.shape)})", nameof(idx));
        if (cache is not null && cache.Layers != Config.Layers)
            throw new ArgumentException($"the KV cache has {cache.Layers} layers, the model {Config.Layers}", nameof(cache));
        long t = idx.shape[1], offset = cache?.Length ?? 0;
        if (positions is null && offset + t > Config.Context) // with explicit positions the cache bounds the keys, CheckLayout the positions
            throw new ArgumentException($"{offset + t} positions ({offset} cached + {t} new) are more than the model's context, " +
                $"n_positions = {Config.Context}: crop the sequence to its last {Config.Context} tokens or build the model with a larger n_positions", nameof(idx));
        CheckIds(idx);
        CheckLayout(idx, positions, attentionMask);
        using var scope = NewDisposeScope();
        var x = wte.call(idx);                                                                 // (B, T, d)
        if (wpe is not null)
            x = x + wpe.call(positions ?? arange(offset, offset + t, dtype: ScalarType.Int64, device: idx.device)); // + (B, T, d) or (T, d)
        x = drop.call(x);
        var at = new TokenPositions(offset, positions, attentionMask);
        Tensor? aux = null;
        for (int layer = 0; layer < h.Count; layer++)
        {
            x = h[layer].Forward(x, rope, cache, layer, at, out var a);                        // (B, T, d)
            if (a is not null) aux = aux is null ? a : aux + a;
        }
        x = ln_f.call(x);
        AuxiliaryLoss = aux?.MoveToOuterDisposeScope();
        return Head(x).MoveToOuterDisposeScope();                                              // (B, T, V)
    }

    /// <summary>x (B, T, d) → logits (B, T, V) through the tied embedding matrix or the untied head.</summary>
    Tensor Head(Tensor x) => lm_head is null ? nn.functional.linear(x, wte.weight!) : lm_head.call(x);

    void CheckLayout(Tensor idx, Tensor? positions, Tensor? mask)
    {
        long b = idx.shape[0], t = idx.shape[1];
        if (positions is not null)
        {
            if (positions.dtype != ScalarType.Int64 || !positions.shape.SequenceEqual([b, t]))
                throw new ArgumentException($"positions must be (B, T) = ({b}, {t}) int64; got {positions.dtype} ({string.Join(", ", positions.shape)})", nameof(positions));
            if (positions.numel() > 0 && (positions.min().item<long>() < 0 || positions.max().item<long>() >= Config.Context))
                throw new ArgumentException($"positions must be in 0..{Config.Context - 1} (n_positions)", nameof(positions));
        }
        if (mask is not null && (mask.dtype != ScalarType.Bool || mask.dim() != 4 || mask.shape[0] != b || mask.shape[1] != 1 || mask.shape[2] != t))
            throw new ArgumentException($"the attention mask must be (B, 1, T, S) bool with B = {b}, T = {t}; got {mask.dtype} ({string.Join(", ", mask.shape)})", nameof(mask));
    }

    void CheckIds(Tensor idx)
    {
        if (idx.numel() == 0) return;
        long min = idx.min().item<long>(), max = idx.max().item<long>();
        if (min < 0 || max >= Config.VocabSize)
            throw new ArgumentException($"token ids must be in 0..{Config.VocabSize - 1} (vocab_size); got {(min < 0 ? min : max)}: " +
                "the tokenizer and the model's vocab_size disagree", nameof(idx));
    }

    /// <summary>GPT-2's initialisation (nanoGPT's <c>_init_weights</c> plus its scaled residual projections).</summary>
    void InitWeights()
    {
        using var noGrad = no_grad();
        double residualStd = 0.02 / Math.Sqrt(2.0 * Config.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) nn.init.normal_(p, 0, residualStd);
            else if (name.EndsWith(".bias", StringComparison.Ordinal) && !IsNorm(name)) nn.init.zeros_(p);
            else if (!IsNorm(name)) nn.init.normal_(p, 0, 0.02); // Linear and Embedding weights
            // Norms keep libtorch's/RmsNorm's initialisation: gain 1, bias 0.
        }
    }

    static bool IsNorm(string name) => name.Contains("ln_", StringComparison.Ordinal);
}
