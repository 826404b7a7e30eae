using LlmLab.Nn.Moe;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public sealed class MoeRoutingTests
{
    static Tensor Logits(float[,] values) => tensor(values);

    [Fact]
    public void Top2_picks_the_two_largest_and_renormalises_like_mixtral()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        var r = MoeRouting.Compute(Logits(new float[,] { { 2, 1, 0, -1 }, { 0, 1, 3, 0.5f } }), k: 2);
        Assert.Equal(new long[] { 0, 1, 2, 1 }, r.Experts.data<long>().ToArray());
        // softmax, then the top two divided by their sum: e^2/(e^2 + e^1) = e/(e + 1); e^3/(e^3 + e^1) = e²/(e² + 1).
        double e = Math.E;
        var w = r.Weights.data<float>().ToArray();
        Assert.Equal(e / (e + 1), w[0], 6);
        Assert.Equal(1 / (e + 1), w[1], 6);
        Assert.Equal(e * e / (e * e + 1), w[2], 6);
        Assert.Equal(1 / (e * e + 1), w[3], 6);
        Assert.Equal(ScalarType.Float32, r.Weights.dtype);
        Assert.Equal((2L, 4, 2), (r.Tokens, r.ExpertCount, r.TopK));
    }

    [Fact]
    public void Top1_keeps_the_raw_probability_like_switch()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        var r = MoeRouting.Compute(Logits(new float[,] { { 2, 1, 0, -1 } }), k: 1);
        Assert.Equal(0, r.Experts.item<long>());
        double e = Math.E, sum = e * e + e + 1 + 1 / e;
        Assert.Equal(e * e / sum, r.Weights.item<float>(), 6); // p₀, not 1: the router still gets the main loss's gradient
    }

    [Fact]
    public void The_router_runs_in_fp32_whatever_the_input_dtype()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        var r = MoeRouting.Compute(Logits(new float[,] { { 2, 1 } }).to(ScalarType.BFloat16), k: 1);
        Assert.Equal(ScalarType.Float32, r.Probabilities.dtype);
        Assert.Equal(ScalarType.Float32, r.Logits.dtype);
    }

    [Fact]
    public void Switch_load_balancing_loss_matches_the_hand_computation()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        float ln3 = (float)Math.Log(3);
        // Probabilities (¾, ¼) for three tokens and (¼, ¾) for one; top-1 sends 3 tokens to expert 0, 1 to expert 1.
        var r = MoeRouting.Compute(Logits(new float[,] { { ln3, 0 }, { ln3, 0 }, { ln3, 0 }, { 0, ln3 } }), k: 1);
        // f = (3/4, 1/4); P = ((3·¾ + ¼)/4, (3·¼ + ¾)/4) = (0.625, 0.375); E·Σ f·P = 2·(0.46875 + 0.09375) = 1.125.
        Assert.Equal(1.125, MoeLosses.LoadBalancing(r).item<float>(), 6);
        // Uniform probabilities and a balanced assignment: the minimum, 1.
        var balanced = MoeRouting.Compute(Logits(new float[,] { { 1, 0 }, { 0, 1 } }), k: 1);
        Assert.Equal(1.0, MoeLosses.LoadBalancing(balanced).item<float>(), 6);
    }

    [Fact]
    public void Load_balancing_with_top2_counts_both_choices()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        // Three experts, two tokens, both choosing experts 0 and 1: f = (½, ½, 0) over the 4 assignments.
        var r = MoeRouting.Compute(Logits(new float[,] { { 2, 1, 0 }, { 2, 1, 0 } }), k: 2);
        double e = Math.E, s = e * e + e + 1;
        double expected = 3 * (0.5 * e * e / s + 0.5 * e / s);
        Assert.Equal(expected, MoeLosses.LoadBalancing(r).item<float>(), 5);
        // The gradient flows through P (the mean probability), not through f.
        var logits = Logits(new float[,] { { 2, 1, 0 }, { 2, 1, 0 } }).requires_grad_();
        MoeLosses.LoadBalancing(MoeRouting.Compute(logits, 2)).backward();
        Assert.True(logits.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Router_z_loss_is_the_mean_squared_logsumexp()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        float ln3 = (float)Math.Log(3);
        // Rows (0, 0) and (ln 3, 0): logsumexp ln 2 and ln 4; z = (ln²2 + ln²4) / 2 = 2.5·ln²2.
        var z = MoeLosses.RouterZ(Logits(new float[,] { { 0, 0 }, { ln3, 0 } }));
        Assert.Equal(2.5 * Math.Log(2) * Math.Log(2), z.item<float>(), 6);
    }

    [Fact]
    public void Bad_k_is_refused()
    {
        TorchRuntime.EnsureLoaded(1);
        using var scope = NewDisposeScope();
        Assert.Contains("k must be in 1..2", Assert.Throws<ArgumentOutOfRangeException>(() => MoeRouting.Compute(Logits(new float[,] { { 1, 2 } }), 3)).Message);
        Assert.Throws<ArgumentException>(() => MoeRouting.Compute(zeros(2, 2, 2), 1));
    }
}
