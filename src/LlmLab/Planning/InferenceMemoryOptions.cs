namespace LlmLab.Planning;

/// <summary>What an inference deployment looks like, for <see cref="MemoryEstimator.Inference"/>. Immutable.</summary>
/// <param name="WeightDtype">Storage format of the weights.</param>
/// <param name="KvDtype">Storage format of the KV cache; null = the weights' format, or fp16 when the weights are integer.</param>
/// <param name="Batch">Sequences served at once (each with its own KV cache).</param>
/// <param name="SeqLen">Tokens per sequence (prompt + generated) the KV cache must hold.</param>
/// <param name="FlashAttention">Attention never materialises the s×s score matrix (FlashAttention/SDPA kernels);
/// false adds one layer's scores to the activation peak.</param>
/// <param name="OverheadBytes">Fixed runtime overhead: CUDA context, cuBLAS workspaces, allocator slack.</param>
/// <param name="OverheadFraction">Extra overhead as a fraction of everything else (EleutherAI's "Transformer Math
/// 101" suggests up to 0.2 for inference in practice; 0 by default so that the components add up).</param>
public sealed record InferenceMemoryOptions(
    Dtype WeightDtype = Dtype.Bf16, Dtype? KvDtype = null, int Batch = 1, int SeqLen = 2048, bool FlashAttention = true,
    long OverheadBytes = MemoryEstimator.DefaultOverheadBytes, double OverheadFraction = 0);
