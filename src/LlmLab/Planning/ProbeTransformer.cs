using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LlmLab.Planning;

// A small decoder-only transformer built from a ModelSpec, only to weigh its training state (TrainingMemoryProbe).
// It realises every option ModelSpec.ParameterCount counts: LayerNorm/RMSNorm, GELU/SwiGLU MLP, biases,
// learned positions, grouped-query attention, MoE experts with a router, tied or untied head.
// Shape key: B = batch, T = sequence, C = hidden size, nh = query heads, nkv = key/value heads, hs = head dim,
// E = experts, V = vocabulary.

/// <summary>RMSNorm with a learned per-channel weight (Zhang and Sennrich 2019), as in Llama.</summary>
internal sealed class ProbeRmsNorm : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;

    public ProbeRmsNorm(long dim) : base(nameof(ProbeRmsNorm))
    {
        weight = new Parameter(ones(dim));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x * rsqrt(x.pow(2).mean([-1L], keepdim: true) + 1e-5) * weight;
}

/// <summary>One MLP (or one expert): GELU with up/down, or SwiGLU with gate/up/down.</summary>
internal sealed class ProbeMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear up, down;
    readonly Linear? gate;

    public ProbeMlp(ModelSpec m) : base(nameof(ProbeMlp))
    {
        up = nn.Linear(m.HiddenSize, m.IntermediateSize, hasBias: m.MlpBias);
        down = nn.Linear(m.IntermediateSize, m.HiddenSize, hasBias: m.MlpBias);
        if (m.Mlp == MlpKind.SwiGlu) gate = nn.Linear(m.HiddenSize, m.IntermediateSize, hasBias: m.MlpBias);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        gate is null ? down.forward(F.gelu(up.forward(x))) : down.forward(F.silu(gate.forward(x)) * up.forward(x));
}

/// <summary>A pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)) (dense or top-k MoE).</summary>
internal sealed class ProbeBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> norm1, norm2;
    readonly Linear q, k, v, o;
    readonly ModuleList<ProbeMlp> experts;
    readonly Linear? router;
    readonly int nh, nkv, hs, topK;

    public ProbeBlock(ModelSpec m) : base(nameof(ProbeBlock))
    {
        (nh, nkv, hs, topK) = (m.NumHeads, m.NumKeyValueHeads, m.HeadDim, m.ExpertsPerToken);
        norm1 = ProbeTransformer.Norm(m);
        norm2 = ProbeTransformer.Norm(m);
        q = nn.Linear(m.HiddenSize, m.QueryDim, hasBias: m.AttentionBias);
        k = nn.Linear(m.HiddenSize, m.KeyValueDim, hasBias: m.AttentionBias);
        v = nn.Linear(m.HiddenSize, m.KeyValueDim, hasBias: m.AttentionBias);
        o = nn.Linear(m.QueryDim, m.HiddenSize, hasBias: m.AttentionBias);
        experts = new ModuleList<ProbeMlp>(Enumerable.Range(0, m.NumExperts).Select(_ => new ProbeMlp(m)).ToArray());
        if (m.NumExperts > 1) router = nn.Linear(m.HiddenSize, m.NumExperts, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        long B = x.shape[0], T = x.shape[1];
        var h = norm1.forward(x);                                              // (B, T, C)
        var qh = q.forward(h).view(B, T, nh, hs).transpose(1, 2);             // (B, nh, T, hs)
        var kh = k.forward(h).view(B, T, nkv, hs).transpose(1, 2);            // (B, nkv, T, hs)
        var vh = v.forward(h).view(B, T, nkv, hs).transpose(1, 2);            // (B, nkv, T, hs)
        if (nkv != nh) { kh = kh.repeat_interleave(nh / nkv, dim: 1); vh = vh.repeat_interleave(nh / nkv, dim: 1); } // (B, nh, T, hs)
        var y = F.scaled_dot_product_attention(qh, kh, vh, is_casual: true);  // (B, nh, T, hs)
        x = x + o.forward(y.transpose(1, 2).reshape(B, T, nh * hs));          // (B, T, C)
        h = norm2.forward(x);
        if (router is null) return x + experts[0].forward(h);
        // Top-k routing (Mixtral): softmax over the k largest router logits; unchosen experts get weight 0. Every
        // expert is run on every token (simpler, and it still gives each expert a gradient tensor).
        var logits = router.forward(h);                                        // (B, T, E)
        var (top, idx) = logits.topk(topK, dim: -1);                           // (B, T, k)
        var weights = zeros_like(logits).scatter(-1, idx, F.softmax(top, -1)); // (B, T, E)
        var mixed = zeros_like(h);
        for (int e = 0; e < experts.Count; e++)
            mixed = mixed + weights.narrow(-1, e, 1) * experts[e].forward(h);  // (B, T, C)
        return x + mixed;
    }
}

/// <summary>Embeddings, blocks, final norm and head; returns logits (B, T, V).</summary>
internal sealed class ProbeTransformer : nn.Module<Tensor, Tensor>
{
    readonly Embedding wte;
    readonly Embedding? wpe;
    readonly ModuleList<ProbeBlock> blocks;
    readonly nn.Module<Tensor, Tensor> normF;
    readonly Linear? head;

    public ProbeTransformer(ModelSpec m) : base(nameof(ProbeTransformer))
    {
        wte = nn.Embedding(m.VocabSize, m.HiddenSize);
        if (m.LearnedPositions) wpe = nn.Embedding(m.MaxPositionEmbeddings, m.HiddenSize);
        blocks = new ModuleList<ProbeBlock>(Enumerable.Range(0, m.NumLayers).Select(_ => new ProbeBlock(m)).ToArray());
        normF = Norm(m);
        // Tied: the head reuses wte.weight in forward, so the matrix is one parameter, counted once.
        if (!m.TieWordEmbeddings) head = nn.Linear(m.HiddenSize, m.VocabSize, hasBias: false);
        // GPT-2's initialisation (std 0.02) for the tables: with the default N(0, 1) a tied head gives huge initial
        // logits, and the step's loss would not be the ≈ ln V that shows the model is sound.
        using (no_grad())
        {
            nn.init.normal_(wte.weight!, 0, 0.02);
            if (wpe is not null) nn.init.normal_(wpe.weight!, 0, 0.02);
        }
        RegisterComponents();
    }

    internal static nn.Module<Tensor, Tensor> Norm(ModelSpec m) =>
        m.Norm == NormKind.LayerNorm ? nn.LayerNorm(m.HiddenSize) : new ProbeRmsNorm(m.HiddenSize);

    public override Tensor forward(Tensor idx)
    {
        long T = idx.shape[1];
        var x = wte.forward(idx);                                              // (B, T, C)
        if (wpe is not null) x = x + wpe.forward(arange(T, dtype: int64));     // (B, T, C)
        foreach (var b in blocks) x = b.forward(x);
        x = normF.forward(x);
        return head is null ? F.linear(x, wte.weight!) : head.forward(x);      // (B, T, V)
    }
}
