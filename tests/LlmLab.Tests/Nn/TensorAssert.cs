using LlmLab.Nn;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>
/// Reference assertions for from-scratch ops: <see cref="Close"/> compares with the per-dtype tolerance table of
/// <see cref="TensorComparison.Tolerance.For"/> and, on failure, reports max |Δ|, its index and the first differing pairs.
/// </summary>
internal static class TensorAssert
{
    /// <summary>Fails unless every element of <paramref name="actual"/> is within tolerance of <paramref name="expected"/>.</summary>
    public static TensorComparison Close(Tensor actual, Tensor expected, string what, TensorComparison.Tolerance? tolerance = null)
    {
        var c = TensorComparison.Of(actual, expected, tolerance);
        if (!c.Passed) throw new XunitException(c.Describe(what));
        return c;
    }
}
