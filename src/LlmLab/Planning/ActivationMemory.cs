namespace LlmLab.Planning;

/// <summary>
/// Activation memory of a decoder-only transformer, in bytes. Notation (per file): s = sequence length,
/// b = micro-batch, h = hidden size, a = attention heads, I = MLP width, k = experts per token, V = vocabulary,
/// L = layers, e = bytes per activation element (2 for 16-bit training). Thread-safe.
/// </summary>
public static class ActivationMemory
{
    /// <summary>
    /// Bytes one layer stores for backward, following Korthikanti et al. 2022, "Reducing Activation Recomputation in
    /// Large Transformer Models", §4.1: sbh(34 + 5as/h) for a GPT layer with 16-bit activations and 1-byte dropout
    /// masks. The terms are kept apart so that GQA, other MLP widths, SwiGLU and MoE follow the same accounting:
    /// <list type="number">
    /// <item>attention, 11sbh: input of q/k/v 2sbh, Q 2sbh, K and V 4sbh (smaller with GQA), input of o 2sbh, dropout mask sbh;</item>
    /// <item>scores, 5as²b: softmax output 2as²b, its dropout mask as²b, dropout output 2as²b (FlashAttention keeps
    /// only an fp32 log-sum-exp per row instead: 4asb);</item>
    /// <item>MLP, 19sbh with I = 4h: input 2sbh, GELU input 2sbI, GELU output 2sbI, dropout mask sbh. SwiGLU stores
    /// gate, silu(gate), up and their product (4 · 2sbI, our own count of what autograd saves); MoE multiplies the I
    /// terms by k since every token goes through k experts;</item>
    /// <item>two layer norms' inputs, 4sbh.</item>
    /// </list>
    /// With MHA, a GELU MLP of 4h and e = 2 this is exactly sbh(34 + 5as/h).
    /// </summary>
    public static long TrainingPerLayer(ModelSpec m, int seq, int batch, double e = 2, bool flashAttention = false)
    {
        double sb = (double)seq * batch, h = m.HiddenSize, a = m.NumHeads, i = (double)m.IntermediateSize * m.ExpertsPerToken;
        double attention = sb * (e * h + e * m.QueryDim + 2 * e * m.KeyValueDim + e * m.QueryDim + 1 * h);
        double scores = flashAttention ? 4 * a * sb : a * seq * sb * (2 * e + 1);
        double mlp = m.Mlp == MlpKind.SwiGlu ? sb * (e * h + 4 * e * i + h) : sb * (e * h + 2 * e * i + h);
        double norms = 2 * e * sb * h;
        return (long)Math.Ceiling(attention + scores + mlp + norms);
    }

    /// <summary>
    /// Outside the layers (Korthikanti et al. §4.1): the embedding's dropout mask sbh, the final norm's input esbh,
    /// and the logits, kept in fp32 for the cross-entropy: 4sbV.
    /// </summary>
    public static long TrainingOutsideLayers(ModelSpec m, int seq, int batch, double e = 2)
    {
        double sb = (double)seq * batch;
        return (long)Math.Ceiling(sb * (m.HiddenSize + e * m.HiddenSize + 4.0 * m.VocabSize));
    }

    /// <summary>
    /// All activations of one training micro-batch. Without checkpointing: L layers' worth. With full activation
    /// checkpointing (recompute every layer in backward, Korthikanti et al. §4.2 "2sbhL"): each layer's input esbh,
    /// plus one layer's full set while it is being recomputed.
    /// </summary>
    public static long Training(ModelSpec m, int seq, int batch, double e = 2, bool checkpointing = false, bool flashAttention = false)
    {
        long layer = TrainingPerLayer(m, seq, batch, e, flashAttention);
        long layers = checkpointing
            ? m.NumLayers * (long)Math.Ceiling(e * seq * batch * m.HiddenSize) + layer
            : m.NumLayers * layer;
        return layers + TrainingOutsideLayers(m, seq, batch, e);
    }

    /// <summary>
    /// Peak working set of an inference forward pass (prefill of s tokens for b sequences), no autograd: layers run
    /// one after another, so the peak is the residual stream plus the larger of one attention phase (normed input,
    /// Q, attention output, and the s×s scores unless FlashAttention; K and V live in the KV cache) and one MLP phase
    /// (normed input and the I-wide intermediates: 2 for GELU, 3 for SwiGLU, times k for MoE), plus fp32 logits for
    /// the last position only (generation engines such as vLLM compute no others).
    /// </summary>
    public static long InferencePeak(ModelSpec m, int seq, int batch, double e = 2, bool flashAttention = true)
    {
        double sb = (double)seq * batch, h = m.HiddenSize;
        double residual = e * sb * h;
        double attention = e * sb * (h + 2.0 * m.QueryDim) + (flashAttention ? 0 : e * m.NumHeads * (double)seq * sb);
        double mlp = e * sb * (h + (m.Mlp == MlpKind.SwiGlu ? 3.0 : 2.0) * m.IntermediateSize * m.ExpertsPerToken);
        double logits = 4.0 * batch * m.VocabSize;
        return (long)Math.Ceiling(residual + Math.Max(attention, mlp) + logits);
    }
}
