using static TorchSharp.torch;

namespace LlmLab.Nn.Moe;

/// <summary>
/// The routing decision of one Mixture-of-Experts forward for N tokens and E experts, all in fp32 (Switch Transformer
/// §2.4 keeps the router in float32 for stability: exp and the softmax's sum are where bf16 loses most):
/// the router logits, their softmax over all E experts, the k experts each token goes to, and the weight of each.
/// The tensors belong to the dispose scope that was current when <see cref="Compute"/> ran. Immutable.
/// </summary>
/// <param name="Logits">Router logits (N, E), fp32.</param>
/// <param name="Probabilities">softmax(logits) over the E experts (N, E), fp32.</param>
/// <param name="Experts">The top-k experts of each token (N, k) int64, most probable first.</param>
/// <param name="Weights">Their mixing weights (N, k), fp32: with k ≥ 2 the top-k probabilities renormalised to sum to 1
/// (Mixtral); with k = 1 the probability itself (Switch), so that the main loss still trains the router.</param>
public sealed record MoeRouting(Tensor Logits, Tensor Probabilities, Tensor Experts, Tensor Weights)
{
    /// <summary>N, tokens routed.</summary>
    public long Tokens => Logits.shape[0];

    /// <summary>E, experts.</summary>
    public int ExpertCount => (int)Logits.shape[1];

    /// <summary>k, experts per token.</summary>
    public int TopK => (int)Experts.shape[1];

    /// <summary>
    /// Routes N tokens from their router logits (N, E): 1. softmax over the E experts in fp32; 2. the k largest
    /// probabilities (ties go to the lower expert index, libtorch's topk on the CPU); 3. the weights, renormalised over
    /// the k chosen when k ≥ 2 (Mixtral's <c>routing_weights /= routing_weights.sum(-1)</c>), the raw probability when
    /// k = 1 (Switch: renormalising one weight would make it 1 and cut the router off from the main loss).
    /// </summary>
    /// <exception cref="ArgumentException">Logits not 2-D, or k outside 1..E.</exception>
    public static MoeRouting Compute(Tensor logits, int k)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 2) throw new ArgumentException($"router logits must be (N, E); got ({string.Join(", ", logits.shape)})", nameof(logits));
        if (k < 1 || k > logits.shape[1]) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{logits.shape[1]} (E); got {k}");
        var z = logits.to(ScalarType.Float32);                                   // (N, E)
        var p = nn.functional.softmax(z, 1);                                     // (N, E)              1.
        var (top, experts) = p.topk(k, dim: 1);                                  // (N, k), (N, k)      2.
        var weights = k == 1 ? top : top / top.sum(1, keepdim: true);            // (N, k)              3.
        return new MoeRouting(z, p, experts, weights);
    }
}
