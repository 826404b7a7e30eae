namespace LlmLab.Nn.Attention;

/// <summary>Which implementation computes softmax(QKᵀ/√d)V: materialised scores, our tiled online-softmax
/// (FlashAttention's algorithm), or libtorch's fused <c>scaled_dot_product_attention</c>.</summary>
public enum AttentionKernel { Naive, Tiled, Sdpa }
