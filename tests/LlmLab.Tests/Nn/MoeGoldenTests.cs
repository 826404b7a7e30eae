using LlmLab.Nn.Gpt;
using LlmLab.Nn;
using LlmLab.Nn.Moe;
using LlmLab.Runtime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

/// <summary>
/// Our <see cref="MoeFeedForward"/> against PyTorch (<c>gpt_variants.MoeLayer</c>, which computes every expert on every
/// token and combines them with a (N, E) weight matrix that is zero off the top k: the same function as our dispatch by
/// expert, with nothing in common with its code). Dropless, with the load-balancing and z-loss terms both on (α = 0.1,
/// β = 0.01) so that the router's gradient through the auxiliary loss is checked too. Cases: Mixtral's top-2 with
/// renormalised weights and SwiGLU experts without biases; Switch's top-1 with the raw probability as weight and GELU
/// experts with biases. The scalar objective is Σ y·r + aux for a fixed r, so every output element and the auxiliary
/// loss reach the gradients.
/// <para>Tolerances: as <see cref="GptGoldenTests"/> (the golden is float64; what differs is our fp32 rounding): outputs
/// and the auxiliary loss within 1e-5 (absolute + relative; measured ≤ 5e-7), gradients within 1e-5 of each tensor's
/// largest |gradient| plus 1e-5 relative (measured ≤ 4e-7). The router's choices themselves are exact: no token of these inputs is within
/// fp32 rounding of a tie.</para>
/// </summary>
public sealed class MoeGoldenTests(ITestOutputHelper output)
{
    static readonly string[] Cases = ["moe-top2", "moe-top1"];
    static readonly TensorComparison.Tolerance OutputTolerance = new(1e-5, 1e-5);
    const double GradientShare = 1e-5;

    public static TheoryData<string> CaseNames() => new(Cases);

    [Fact]
    public void The_golden_holds_every_case_these_tests_name() => Assert.Equal(Cases, GptGolden.Instance.CaseNames("moe_layer"));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Output_auxiliary_loss_and_every_gradient_equal_pytorchs(string name)
    {
        var g = GptGolden.Instance;
        TorchRuntime.EnsureLoaded(1);
        using var layer = new MoeFeedForward(g.Config(name));
        g.LoadInto(layer, name);
        layer.train();
        using var scope = NewDisposeScope();
        var x = g[$"{name}/x"].clone().requires_grad_();
        var (y, aux) = layer.Forward(x);
        var cy = TensorAssert.Close(y, g[$"{name}/y"], $"{name}: output vs PyTorch", OutputTolerance);
        TensorAssert.Close(aux.to(float64), g[$"{name}/aux"], $"{name}: auxiliary loss vs PyTorch", OutputTolerance);
        ((y * g[$"{name}/r"]).sum() + aux).backward();

        var expected = g.Group(name, "grad");
        var ours = layer.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter.grad!);
        ours["x"] = x.grad!;
        GptGolden.AssertSameNames(name, "gradients", expected.Keys, ours.Keys);
        double worst = 0;
        foreach (var (n, grad) in ours)
        {
            Assert.True(grad is not null, $"{name}: '{n}' got no gradient");
            double scale = expected[n].abs().max().item<float>();
            var c = TensorAssert.Close(grad, expected[n], $"{name}: gradient of {n} vs PyTorch", new(GradientShare, GradientShare * scale));
            worst = Math.Max(worst, c.MaxAbsDiff / scale);
        }
        output.WriteLine($"{name}: output max |Δ| {cy.MaxSummary()}, aux {aux.item<float>():R} vs {g[$"{name}/aux"].item<double>():R}, " +
            $"worst gradient max |Δ| / max |g| = {worst:G3}");
    }
}
