using LlmLab.Nn.Attention;
using LlmLab.Nn.Moe;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

// The GPT of the course, read top to bottom in dependency order, as nanoGPT's model.py is: norm → attention → MLP →
// block → model. The shape lives beside it (GptConfig.cs). This file is the plain path, a training forward over
// (B, T) tokens at positions 0..T−1; the path the serving engine needs — a KV cache, per-token positions and masks for
// ragged batches — is separate, in Gpt.Cached.cs. Token ids are checked where they enter (the tokenizer against
// vocab_size when an engine or a training run is built; the server's request parser), not on every forward.
// Shapes: B batch, T tokens, d = n_embd, nh query heads, nkv key/value heads, hs = d/nh, V = vocab_size.

/// <summary>
/// RMSNorm (Zhang &amp; Sennrich 2019, "Root Mean Square Layer Normalization"; Llama): y = x / √(mean(x²) + ε) · g over
/// the last dimension, with a learned gain g (initialised to 1) and no mean subtraction or bias, so it is cheaper than
/// LayerNorm and invariant to rescaling x. Computed in fp32 and cast back, as Llama does, so that half-precision inputs
/// do not lose the small mean square. (The LayerNorm alternative is libtorch's own.) Not thread-safe (a module).
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    readonly double _eps;

    /// <param name="width">d, the size of the last dimension.</param>
    /// <param name="eps">ε, added to the mean square before the square root (guards against division by zero).</param>
    /// <param name="device">Where the gain lives (default: libtorch's default device).</param>
    public RmsNorm(long width, double eps = 1e-5, Device? device = null) : base(nameof(RmsNorm))
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), $"width must be >= 1 (got {width})");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"eps must be > 0 (got {eps})");
        _eps = eps;
        weight = new Parameter(ones(width, device: device));
        RegisterComponents();
    }

    // Named as libtorch names a norm's gain, so that state dicts read "….weight".
    readonly Parameter weight;

    /// <summary>g, the per-channel gain (d).</summary>
    public Parameter Weight => weight;

    /// <summary>x (…, d) → y (…, d), a new tensor.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var rms = xf.pow(2).mean([-1], keepdim: true).add(_eps).rsqrt(); // (…, 1): 1 / √(mean(x²) + ε)
        return xf.mul(rms).to(x.dtype).mul(weight).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Multi-head causal self-attention written out from its projections (Vaswani et al. 2017, §3.2; nanoGPT's
/// <c>CausalSelfAttention</c>), with grouped-query attention as an option (Ainslie et al. 2023): nh query heads share
/// nkv key/value heads, nh/nkv queries per group.
/// <list type="number">
/// <item>One fused projection c_attn: x (B, T, d) → [q | k | v], (nh + 2·nkv)·hs channels.</item>
/// <item>Split into heads: q (B, nh, T, hs), k and v (B, nkv, T, hs); rotate q and k by their positions (RoPE).</item>
/// <item>GQA: repeat each key/value head nh/nkv times (repeat_interleave), so head i reads group i / (nh/nkv).</item>
/// <item>softmax(q·kᵀ/√hs, causal mask)·v by the configured kernel (naive, tiled or libtorch SDPA).</item>
/// <item>Merge heads (B, T, d) and project back with c_proj; dropout.</item>
/// </list>
/// The cached path (Gpt.Cached.cs) appends k and v to a KV cache between steps 2 and 3. Not thread-safe (a module).
/// </summary>
public sealed partial class CausalSelfAttention : nn.Module
{
    readonly Linear c_attn, c_proj;
    readonly Dropout resid_dropout;
    readonly GptConfig _config;

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public CausalSelfAttention(GptConfig config, Device? device = null) : base(nameof(CausalSelfAttention))
    {
        _config = config;
        int hs = config.HeadSize;
        c_attn = nn.Linear(config.Width, (config.Heads + 2L * config.KeyValueHeads) * hs, hasBias: config.Bias, device: device);
        c_proj = nn.Linear(config.Width, config.Width, hasBias: config.Bias, device: device);
        resid_dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>x (B, T, d) at positions 0..T−1 → (B, T, d), a new tensor; <paramref name="rope"/> is null with learned
    /// positions.</summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Heads(x);                                                            // 1–2.
        if (rope is not null) (q, k) = (rope.Apply(q, 0), rope.Apply(k, 0));
        (k, v) = (Share(k), Share(v));                                                       // 3.
        var y = AttentionKernels.Compute(_config.Attention, q.contiguous(), k.contiguous(), v.contiguous(), causal: true); // 4.
        return Merge(y).MoveToOuterDisposeScope();                                           // 5.
    }

    /// <summary>x (B, T, d) → q (B, nh, T, hs), k and v (B, nkv, T, hs), before any rotation.</summary>
    (Tensor Q, Tensor K, Tensor V) Heads(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1];
        int nh = _config.Heads, nkv = _config.KeyValueHeads, hs = _config.HeadSize;
        var parts = c_attn.call(Q8_0Activations.Apply(x, Rounding)).split([nh * hs, nkv * hs, nkv * hs], dim: -1); // (B, T, ·) each
        return (parts[0].view(b, t, nh, hs).transpose(1, 2),
                parts[1].view(b, t, nkv, hs).transpose(1, 2),
                parts[2].view(b, t, nkv, hs).transpose(1, 2));
    }

    /// <summary>(B, nkv, S, hs) → (B, nh, S, hs): each key/value head repeated for its group of queries.</summary>
    Tensor Share(Tensor kv) =>
        _config.KeyValueHeads == _config.Heads ? kv : kv.repeat_interleave(_config.Heads / _config.KeyValueHeads, dim: 1);

    /// <summary>y (B, nh, T, hs) → c_proj(merged heads) (B, T, d), after dropout.</summary>
    Tensor Merge(Tensor y)
    {
        long b = y.shape[0], t = y.shape[2];
        var merged = y.transpose(1, 2).contiguous().view(b, t, _config.Width);
        return resid_dropout.call(c_proj.call(Q8_0Activations.Apply(merged, Rounding)));
    }

    /// <summary>What happens to the inputs of c_attn and c_proj (see <see cref="GptModel.ActivationRounding"/>).</summary>
    internal ActivationRounding Rounding { get; set; }
}

/// <summary>
/// The position-wise feed-forward layer of a block: with GELU (GPT-2), c_proj(gelu(c_fc(x))); with SwiGLU (Shazeer 2020;
/// Llama), c_proj(silu(c_gate(x)) · c_fc(x)). c_fc and c_gate widen d → I, c_proj narrows I → d; then dropout.
/// GELU is the exact erf form (nanoGPT's nn.GELU()) unless the config's <c>activation_function</c> asks for the tanh
/// approximation GPT-2 used (<see cref="GptConfig.TanhGelu"/>; the two differ by &lt; 1e-3). Not thread-safe (a module).
/// </summary>
public sealed class GptMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear c_fc, c_proj;
    readonly Linear? c_gate;
    readonly Dropout dropout;
    readonly bool _tanh;

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public GptMlp(GptConfig config, Device? device = null) : base(nameof(GptMlp))
    {
        _tanh = config.TanhGelu;
        int i = config.FeedForwardWidth;
        c_fc = nn.Linear(config.Width, i, hasBias: config.Bias, device: device);
        if (config.Mlp == FeedForwardKind.SwiGlu) c_gate = nn.Linear(config.Width, i, hasBias: config.Bias, device: device);
        c_proj = nn.Linear(i, config.Width, hasBias: config.Bias, device: device);
        dropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>x (B, T, d) → (B, T, d), a new tensor.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = Q8_0Activations.Apply(x, Rounding);
        var h = c_gate is null
            ? Gelu(c_fc.call(x))                                          // (B, T, I)
            : nn.functional.silu(c_gate.call(x)) * c_fc.call(x);          // (B, T, I)
        return dropout.call(c_proj.call(Q8_0Activations.Apply(h, Rounding))).MoveToOuterDisposeScope(); // (B, T, d)
    }

    /// <summary>GELU in the configured form: libtorch's exact erf GELU, or the tanh approximation; or ggml's fp16 table when
    /// asked to compute as llama.cpp does.</summary>
    Tensor Gelu(Tensor x) =>
        Rounding.HasFlag(ActivationRounding.GeluFp16) ? Fp16GeluTable.Apply(x).to(x.dtype)
        : _tanh ? nn.functional.gelu(x, GELU.Approximate.tanh) : nn.functional.gelu(x);

    /// <summary>What happens to the inputs of c_fc/c_gate and c_proj (see <see cref="GptModel.ActivationRounding"/>).</summary>
    internal ActivationRounding Rounding { get; set; }
}

/// <summary>
/// One pre-norm Transformer block (GPT-2's ordering, Radford et al. 2019 §2.3; Xiong et al. 2020 on why pre-norm trains
/// without warm-up trouble): x ← x + attn(norm₁(x)); x ← x + mlp(norm₂(x)). The residual stream is never normalised
/// itself, so gradients reach early layers through the identity path. With <c>num_local_experts</c> set, the MLP is a
/// <see cref="MoeFeedForward"/> (parameters <c>moe.*</c> instead of <c>mlp.*</c>). Not thread-safe (a module).
/// </summary>
public sealed partial class GptBlock : nn.Module
{
    readonly nn.Module<Tensor, Tensor> ln_1, ln_2;
    readonly CausalSelfAttention attn;
    readonly GptMlp? mlp;   // dense
    readonly MoeFeedForward? moe; // Mixture-of-Experts

    /// <param name="config">The model's shape (validated by the caller).</param>
    /// <param name="device">Where the weights are allocated (null: libtorch's default device).</param>
    public GptBlock(GptConfig config, Device? device = null) : base(nameof(GptBlock))
    {
        ln_1 = CreateNorm(config, device);
        attn = new CausalSelfAttention(config, device);
        ln_2 = CreateNorm(config, device);
        if (config.IsMixtureOfExperts) moe = new MoeFeedForward(config, device);
        else mlp = new GptMlp(config, device);
        RegisterComponents();
    }

    /// <summary>The Mixture-of-Experts layer, or null when the block is dense.</summary>
    public MoeFeedForward? Experts => moe;

    /// <summary>Sets what happens to the inputs of the block's weight products (<see cref="GptModel.ActivationRounding"/>).</summary>
    internal void SetRounding(ActivationRounding rounding)
    {
        attn.Rounding = rounding;
        if (mlp is not null) mlp.Rounding = rounding;
        foreach (var expert in moe?.ExpertModules ?? []) expert.Rounding = rounding;
    }

    /// <summary>The MoE layer's weighted auxiliary loss in the last forward (a scalar in the caller's dispose scope);
    /// null for a dense block.</summary>
    public Tensor? AuxiliaryLoss { get; private set; }

    /// <summary>x (B, T, d) at positions 0..T−1 → (B, T, d), a new tensor.</summary>
    public Tensor Forward(Tensor x, RotaryEmbedding? rope)
    {
        using var scope = NewDisposeScope();
        x = x + attn.Forward(ln_1.call(x), rope);
        return FeedForward(x).MoveToOuterDisposeScope();
    }

    /// <summary>x + mlp(norm₂(x)), recording the MoE auxiliary loss beside the result.</summary>
    Tensor FeedForward(Tensor x)
    {
        if (moe is null) return x + mlp!.call(ln_2.call(x));
        var (y, aux) = moe.Forward(ln_2.call(x));
        AuxiliaryLoss = aux.MoveToOuterDisposeScope();
        return x + y;
    }

    /// <summary>The configured norm over d channels: libtorch's LayerNorm (with a bias when the config has biases) or
    /// <see cref="RmsNorm"/>.</summary>
    internal static nn.Module<Tensor, Tensor> CreateNorm(GptConfig config, Device? device) => config.Norm == NormalizationKind.RmsNorm
        ? new RmsNorm(config.Width, config.NormEps, device)
        : nn.LayerNorm(config.Width, config.NormEps, bias: config.Bias, device: device);
}

/// <summary>
/// A decoder-only Transformer language model (GPT-2, Radford et al. 2019; after nanoGPT's <c>model.py</c>): token
/// embedding (+ learned positions, or RoPE inside attention) → dropout → L pre-norm blocks → final norm → LM head (tied
/// to the token embedding by default). Parameter names follow nanoGPT/HF GPT-2 (wte, wpe, h.N.ln_1, h.N.attn.c_attn, …,
/// ln_f, lm_head). Initialisation is GPT-2's: weights N(0, 0.02), biases 0, and the residual projections (attn.c_proj,
/// mlp.c_proj) N(0, 0.02/√(2L)) so the residual stream's variance does not grow with depth (GPT-2 §2.3). The caller seeds
/// libtorch (<c>Seeding.SeedTorch</c>) before construction for reproducible weights. Not thread-safe (a module).
/// </summary>
public sealed partial class GptModel : nn.Module<Tensor, Tensor>
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
        else rope = new RotaryEmbedding(config.HeadSize, config.Context, config.RopeTheta, device, config.RopeScaling);
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

    /// <summary>Trainable parameters of the built model (equals <see cref="GptSizing.ParameterCount"/>).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Logits (B, T, V) for tokens (B, T) int64 at positions 0..T−1; a new tensor the caller owns.</summary>
    /// <exception cref="ArgumentException">Tokens not (B, T) int64, or T past n_positions.</exception>
    public override Tensor forward(Tensor idx)
    {
        using var scope = NewDisposeScope();
        var logits = Head(Hidden(idx));
        AuxiliaryLoss?.MoveToOuterDisposeScope();                                             // beside the logits
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Logits (B, T, V) and the mean cross-entropy over the targets (B, T) int64 (targets of −1 are ignored, as in
    /// nanoGPT). Both are new tensors the caller owns. The loss is the cross-entropy alone: a Mixture-of-Experts model's
    /// <see cref="AuxiliaryLoss"/> is to be added for training (<see cref="MoeTrainingLoss"/>).
    /// </summary>
    public (Tensor Logits, Tensor Loss) Forward(Tensor idx, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var logits = forward(idx);                                                            // (B, T, V)
        var loss = nn.functional.cross_entropy(logits.view(-1, logits.shape[^1]), targets.reshape(-1), ignore_index: -1);
        AuxiliaryLoss?.MoveToOuterDisposeScope();                                             // beside the logits
        return (logits.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The final hidden states (B, T, d) — after the last block and the final norm, before the LM head — for tokens
    /// (B, T) int64 at positions 0..T−1: what a scalar head (a reward model's, a value function's) reads. A new tensor
    /// the caller owns; <see cref="AuxiliaryLoss"/> is set as by <see cref="forward"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Tokens not (B, T) int64, or T past n_positions.</exception>
    public Tensor Hidden(Tensor idx)
    {
        CheckTokens(idx, offset: 0, explicitPositions: false);
        using var scope = NewDisposeScope();
        long t = idx.shape[1];
        var x = wte.call(idx);                                                                 // (B, T, d)
        if (wpe is not null) x = x + wpe.call(arange(t, dtype: ScalarType.Int64, device: idx.device)); // + (T, d)
        x = drop.call(x);
        foreach (var block in h) x = BlockRunner is { } run ? run(block, x, rope) : block.Forward(x, rope); // (B, T, d)
        SumAuxiliaryLosses();
        return ln_f.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>Runs each block of <see cref="Hidden"/> in place of <c>block.Forward(x, rope)</c> when set: ZeRO-3 gathers a
    /// block's sharded weights just for its forward and again for its backward
    /// (<c>Training.Distributed.ShardedBlockFunction</c>). Null: the plain path.</summary>
    internal Func<GptBlock, Tensor, RotaryEmbedding?, Tensor>? BlockRunner { get; set; }

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

    /// <summary>x (B, T, d) → logits (B, T, V) through the tied embedding matrix or the untied head.</summary>
    Tensor Head(Tensor x)
    {
        x = Q8_0Activations.Apply(x, _rounding);
        return lm_head is null ? nn.functional.linear(x, wte.weight!) : lm_head.call(x);
    }

    ActivationRounding _rounding;

    /// <summary>
    /// Where activations are rounded as llama.cpp's CPU backend rounds them: nothing (<see cref="ActivationRounding.None"/>, the
    /// default); <see cref="ActivationRounding.Q8_0"/>: the input of every weight product — the blocks' attention and MLP
    /// projections and the LM head — rounded to Q8_0 blocks as before ggml's integer dot product with Q8_0/Q4_0 weights
    /// (<see cref="Q8_0Activations"/>), so that a model loaded from a quantized GGUF file (whose matrices, token embedding
    /// included, are quantized) computes what llama.cpp computes (a product whose input width is not a multiple of 32 stays
    /// fp32: its matrix is f16 in our GGUF files);
    /// <see cref="ActivationRounding.GeluFp16"/>: the GELU MLP reads ggml's fp16 GELU table (<see cref="Fp16GeluTable"/>).
    /// An inference-time switch: not part of the config, not saved.
    /// </summary>
    public ActivationRounding ActivationRounding
    {
        get => _rounding;
        set
        {
            _rounding = value;
            foreach (var block in h) block.SetRounding(value);
        }
    }

    /// <summary>Sums the blocks' auxiliary losses into <see cref="AuxiliaryLoss"/>, moved out of the forward's scope.</summary>
    void SumAuxiliaryLosses()
    {
        Tensor? aux = null;
        foreach (var block in h)
            if (block.AuxiliaryLoss is { } a) aux = aux is null ? a : aux + a;
        AuxiliaryLoss = aux?.MoveToOuterDisposeScope();
    }

    /// <summary>The shape checks every forward makes (they read no tensor values, so they never synchronise).</summary>
    void CheckTokens(Tensor idx, long offset, bool explicitPositions)
    {
        if (idx.dim() != 2 || idx.dtype != ScalarType.Int64)
            throw new ArgumentException($"tokens must be (B, T) int64; got {idx.dtype} ({string.Join(", ", idx.shape)})", nameof(idx));
        long t = idx.shape[1];
        if (!explicitPositions && offset + t > Config.Context) // with explicit positions the cache bounds the keys
            throw new ArgumentException($"{offset + t} positions ({offset} cached + {t} new) are more than the model's context, " +
                $"n_positions = {Config.Context}: crop the sequence to its last {Config.Context} tokens or build the model with " +
                "a larger n_positions", nameof(idx));
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
