using static TorchSharp.torch;

namespace LlmLab.Nn;

/// <summary>
/// Options of <see cref="CrossEntropy"/>, with PyTorch's <c>torch.nn.functional.cross_entropy</c> names, defaults
/// and meaning. Immutable; the weight tensor stays the caller's (not copied, not disposed).
/// </summary>
/// <param name="Weight">Per-class rescaling weights, shape (C), or null for all ones. With class-index targets and
/// the mean reduction the sum of the weights of the non-ignored targets is the divisor (PyTorch's rule).</param>
/// <param name="IgnoreIndex">A class-index target equal to this contributes neither loss nor gradient, and is not
/// counted by the mean. Any value, in range or not; unused with probability targets (as in PyTorch).</param>
/// <param name="LabelSmoothing">ε in [0, 1]: the target distribution becomes (1 − ε)·target + ε/C (Szegedy et al.
/// 2016, "Rethinking the Inception Architecture", §7).</param>
/// <param name="Reduction">Mean (default), Sum, or None (one loss per target position, shape (N, d1, …)).</param>
public sealed record CrossEntropyOptions(
    Tensor? Weight = null,
    long IgnoreIndex = -100,
    double LabelSmoothing = 0.0,
    nn.Reduction Reduction = nn.Reduction.Mean)
{
    /// <summary>PyTorch's defaults: no weights, ignore_index −100, no smoothing, mean.</summary>
    public static CrossEntropyOptions Default { get; } = new();
}
