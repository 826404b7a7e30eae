using LlmLab.Nn.Moe;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class MoeDispatchTests
{
    [Fact]
    public void Capacity_keeps_the_first_tokens_of_each_expert_and_drops_the_rest()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        // Five tokens, top-1 over 2 experts: 0, 0, 0, 1, 0. Capacity 2: expert 0 keeps tokens 0 and 1 and drops 2 and 4.
        var plan = MoeDispatchPlan.Make(tensor(new long[] { 0, 0, 0, 1, 0 }, [5, 1]), expertCount: 2, capacity: 2);
        Assert.Equal(new long[] { 4, 1 }, plan.Routed);
        Assert.Equal(new long[] { 2, 1 }, plan.Kept);
        Assert.Equal(2, plan.Dropped);
        Assert.Equal(new long[] { 0, 1, 3 }, plan.Assignments.data<long>().ToArray()); // grouped by expert
        Assert.Equal(new[] { true, true, false, true, false }, plan.KeptMask.data<bool>().ToArray());
    }

    [Fact]
    public void Top2_priority_is_by_token_then_choice()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        // Tokens (0: experts 1, 0), (1: 0, 2), (2: 0, 1); capacity 2 per expert. Expert 0 is chosen by assignments
        // 1, 2, 4 (token 0's second choice, token 1's first, token 2's first): the first two are kept, token 2's is dropped.
        var plan = MoeDispatchPlan.Make(tensor(new long[] { 1, 0, 0, 2, 0, 1 }, [3, 2]), expertCount: 3, capacity: 2);
        Assert.Equal(new long[] { 3, 2, 1 }, plan.Routed);
        Assert.Equal(new long[] { 2, 2, 1 }, plan.Kept);
        Assert.Equal(new long[] { 1, 2, 0, 5, 3 }, plan.Assignments.data<long>().ToArray());
        Assert.Equal(new[] { true, true, true, true, false, true }, plan.KeptMask.data<bool>().ToArray());
    }

    [Fact]
    public void Dropless_keeps_everything()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        var plan = MoeDispatchPlan.Make(tensor(new long[] { 0, 0, 0, 1, 0 }, [5, 1]), expertCount: 3, capacity: null);
        Assert.Equal(new long[] { 4, 1, 0 }, plan.Kept);
        Assert.Equal(0, plan.Dropped);
        Assert.Equal(new long[] { 0, 1, 2, 4, 3 }, plan.Assignments.data<long>().ToArray());
    }

    [Theory]
    [InlineData(1.0, 8, 1, 4, 2)]   // balanced top-1: 8 tokens over 4 experts
    [InlineData(1.25, 8, 1, 4, 3)]  // Switch's training factor: ⌈2.5⌉
    [InlineData(1.0, 8, 2, 4, 4)]   // top-2: 16 assignments over 4 experts
    [InlineData(0.01, 8, 1, 4, 1)]  // never 0 while there are tokens
    public void Capacity_is_the_ceiling_of_factor_times_assignments_per_expert(double factor, long tokens, int k, int experts, long expected) =>
        Assert.Equal(expected, MoeDispatchPlan.CapacityFor(tokens, k, experts, factor));

    [Fact]
    public void A_token_over_capacity_passes_through_the_residual_only()
    {
        var config = MoeTestModels.Tiny with { NumExpertsPerTok = 1, NumLocalExperts = 2, CapacityFactor = 1.0 };
        using var layer = MoeTestModels.Layer(config);
        using var scope = NewDisposeScope();
        // Every token routed to expert 0: the router reads channel 0 only, and channel 0 is 1 for every token.
        using (no_grad())
        {
            layer.RouterWeight.zero_();
            layer.RouterWeight[0, 0] = tensor(3f);
        }
        var x = MoeTestModels.Activations(1, 4, config.Width);
        x[.., .., 0] = tensor(1f);
        var (y, _) = layer.Forward(x);
        var s = layer.LastStats!;
        // 4 tokens, capacity ⌈1.0 · 4 · 1 / 2⌉ = 2: tokens 0 and 1 are computed, tokens 2 and 3 dropped.
        Assert.Equal((2L, 2L, 2L), (s.Capacity!.Value, s.DroppedAssignments, s.TokensFullyDropped));
        Assert.Equal(new long[] { 4, 0 }, s.Routed);
        Assert.Equal(new long[] { 2, 0 }, s.Kept);
        Assert.Equal(0f, y[0, 2..].abs().max().item<float>()); // the MoE adds nothing: the block's residual carries them
        // The kept tokens get p₀ · expert₀(x).
        using var noGrad = no_grad();
        double p0 = 1 / (1 + Math.Exp(-3));
        var expected = layer.ExpertModules[0].call(x[0, ..2]) * p0;
        TensorAssert.Close(y[0, ..2], expected, "kept tokens", GptTestModels.Fp32);
    }
}
