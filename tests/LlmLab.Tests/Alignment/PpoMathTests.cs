using LlmLab.Alignment;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Alignment;

/// <summary>PPO's pieces against known answers: GAE, the KL estimators' guarantees, the clipped objective's gradient.</summary>
public sealed class PpoMathTests
{
    public PpoMathTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Gae_matches_a_hand_computed_trajectory_and_ignores_prompt_and_padding()
    {
        // Row: a prompt position, three response tokens, one pad. r = (0, 0, 1) on the response, V = (0.5, 0.4, 0.3), γ = 1, λ = 0.95:
        // δ = (0 + 0.4 − 0.5, 0 + 0.3 − 0.4, 1 + 0 − 0.3) = (−0.1, −0.1, 0.7);
        // A_2 = 0.7, A_1 = −0.1 + 0.95·0.7 = 0.565, A_0 = −0.1 + 0.95·0.565 = 0.43675; R = A + V.
        var rewards = tensor(new float[] { 9, 0, 0, 1, 9 }).view(1, 5);   // the 9s are outside the mask
        var values = tensor(new float[] { 9, 0.5f, 0.4f, 0.3f, 9 }).view(1, 5);
        var mask = tensor(new[] { false, true, true, true, false }).view(1, 5);
        var (a, r) = PpoMath.Gae(rewards, values, mask, gamma: 1, lambda: 0.95);
        Assert.Equal(new[] { 0, 0.43675f, 0.565f, 0.7f, 0 }, a.data<float>().ToArray(), new Tol(1e-6f));
        Assert.Equal(new[] { 0, 0.93675f, 0.965f, 1.0f, 0 }, r.data<float>().ToArray(), new Tol(1e-6f));
        // γ = 0.5, λ = 0: one-step TD errors δ_t = r_t + γ V_{t+1} − V_t.
        var (td, _) = PpoMath.Gae(rewards, values, mask, gamma: 0.5, lambda: 0);
        Assert.Equal(new[] { 0, -0.3f, -0.25f, 0.7f, 0 }, td.data<float>().ToArray(), new Tol(1e-6f));
    }

    [Fact]
    public void K3_is_nonnegative_per_token_and_zero_at_identical_policies_and_both_estimators_average_to_the_exact_kl()
    {
        // p and q over four symbols; tokens drawn from p (the policy), 200,000 of them.
        double[] p = [0.5, 0.25, 0.15, 0.10], q = [0.25, 0.25, 0.25, 0.25];
        double exact = p.Select((pi, i) => pi * Math.Log(pi / q[i])).Sum();            // KL(p ‖ q) = 0.1998…
        var rng = new Random(11);
        int n = 200_000;
        var draws = Enumerable.Range(0, n).Select(_ => Categorical.Draw(p, rng.NextDouble())).ToArray();
        var logp = tensor(draws.Select(i => Math.Log(p[i])).ToArray());
        var logq = tensor(draws.Select(i => Math.Log(q[i])).ToArray());
        var k1 = PpoMath.Kl(logp, logq, KlEstimator.K1);
        var k3 = PpoMath.Kl(logp, logq, KlEstimator.K3);
        Assert.True(k3.min().item<double>() >= 0);
        Assert.True(k1.min().item<double>() < 0);                                       // k1 alone can be negative
        foreach (var k in new[] { k1, k3 })
        {
            double mean = k.mean().item<double>(), se = k.std().item<double>() / Math.Sqrt(n);
            Assert.True(Math.Abs(mean - exact) < 4 * se, $"mean {mean}, exact {exact}, 4 s.e. {4 * se}");
        }
        var same = PpoMath.Kl(logp, logp, KlEstimator.K3);
        Assert.Equal(0, same.abs().max().item<double>());
        Assert.Equal(0, PpoMath.Kl(logp, logp, KlEstimator.K1).abs().max().item<double>());
    }

    [Fact]
    public void Clipped_objective_gradient_is_zero_exactly_where_the_clip_is_active_on_the_advantage_s_side_and_A_grad_r_elsewhere()
    {
        const double eps = 0.2;
        double[] ratios = [0.5, 0.9, 1.1, 1.5, 0.5, 0.9, 1.1, 1.5];
        double[] advantages = [2, 2, 2, 2, -3, -3, -3, -3];
        var logp = tensor(ratios.Select(r => Math.Log(r)).ToArray(), requires_grad: true);    // old log-probs 0, so ρ = exp(logp)
        var ratio = logp.exp();
        PpoMath.ClippedSurrogate(ratio, tensor(advantages), eps).sum().backward();
        var grad = logp.grad!.data<double>().ToArray();
        for (int i = 0; i < ratios.Length; i++)
        {
            bool clipped = advantages[i] > 0 ? ratios[i] > 1 + eps : ratios[i] < 1 - eps;
            // d(ρA)/d log π = A·ρ (= A·∇ρ); 0 where the clip binds.
            Assert.Equal(clipped ? 0 : advantages[i] * ratios[i], grad[i], 12);
        }
        Assert.Equal([false, false, false, true, true, false, false, false],
            Enumerable.Range(0, 8).Select(i => grad[i] == 0));
        // The loss: −mean over the mask, with the clip fraction counted the same way.
        var mask = tensor(new[] { true, true, true, true, true, true, true, false });
        var (loss, clipFraction) = PpoMath.PolicyLoss(tensor(ratios.Select(r => Math.Log(r)).ToArray()), zeros(8, ScalarType.Float64), tensor(advantages), mask, eps);
        double expected = -Enumerable.Range(0, 7).Average(i => Math.Min(ratios[i] * advantages[i], Math.Clamp(ratios[i], 1 - eps, 1 + eps) * advantages[i]));
        Assert.Equal(expected, loss.item<double>(), 12);
        Assert.Equal(2 / 7.0, clipFraction.item<double>(), 12);
    }

    [Fact]
    public void Value_loss_takes_the_larger_of_the_clipped_and_unclipped_errors_and_whitening_normalises_over_the_mask()
    {
        var v = tensor(new[] { 1.0, 0.0 });
        var old = tensor(new[] { 0.0, 0.0 });
        var ret = tensor(new[] { 2.0, 0.5 });
        var mask = tensor(new[] { true, true });
        // row 0: V 1 → clipped 0.2; errors (1 − 2)² = 1, (0.2 − 2)² = 3.24 → 3.24; row 1: both 0.25 → ½·mean = ½·(3.24 + 0.25)/2
        Assert.Equal(0.5 * (3.24 + 0.25) / 2, PpoMath.ValueLoss(v, old, ret, mask, 0.2).item<double>(), 12);
        var x = tensor(new[] { 1.0, 2.0, 3.0, 100.0 });
        var m = tensor(new[] { true, true, true, false });
        var w = PpoMath.Whiten(x, m).data<double>().ToArray();
        Assert.Equal(new[] { -1.0, 0, 1.0, 0 }, w, new Tol(1e-6));                      // unbiased s.d. of 1, 2, 3 is 1
    }

    sealed class Tol(double tolerance) : IEqualityComparer<float>, IEqualityComparer<double>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float obj) => 0;
        public int GetHashCode(double obj) => 0;
    }
}
