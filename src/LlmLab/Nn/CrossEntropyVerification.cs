namespace LlmLab.Nn;

/// <summary>
/// What <see cref="CrossEntropyCase.Verify"/> measured for one case. Every comparison's reference is libtorch's
/// <c>cross_entropy</c> evaluated in float64 on the case's values (its loss, or its autograd gradient).
/// </summary>
/// <param name="Case">The case's name (option set, dtype, V, logits kind).</param>
/// <param name="Loss">The stable from-scratch loss.</param>
/// <param name="LibtorchLoss">libtorch's own loss in the case's dtype: how close the built-in itself gets.</param>
/// <param name="Autograd">The gradient of the stable loss by autograd.</param>
/// <param name="LibtorchAutograd">libtorch's own gradient in the case's dtype.</param>
/// <param name="Analytic">The analytic gradient <see cref="CrossEntropy.Gradient"/>.</param>
/// <param name="AnalyticVsAutograd">The analytic gradient against the autograd one (same dtype, no float64 reference).</param>
public sealed record CrossEntropyVerification(
    string Case,
    TensorComparison Loss,
    TensorComparison LibtorchLoss,
    TensorComparison Autograd,
    TensorComparison LibtorchAutograd,
    TensorComparison Analytic,
    TensorComparison AnalyticVsAutograd)
{
    /// <summary>The from-scratch results all within tolerance (libtorch's own results are reported, not required).</summary>
    public bool Passed => Loss.Passed && Autograd.Passed && Analytic.Passed && AnalyticVsAutograd.Passed;
}
