using LlmLab.Nn;
using LlmLab.Optim;
using LlmLab.Runtime;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace LlmLab.Tests.Optim;

/// <summary>Known answers of the update rules on one scalar, the optimizer API (state names, groups, learning rate,
/// zero_grad) and its error messages.</summary>
public class OptimizerRulesTests
{
    public OptimizerRulesTests() => TorchRuntime.EnsureLoaded(1);

    /// <summary>θ = 1, loss θ²/2 + θ·c so that g = θ + c; returns θ after each of <paramref name="steps"/> steps.</summary>
    static double[] Run(Func<Parameter, IOptimizer> make, int steps, double c = 1)
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(new[] { 1.0 }, float64));
        using var opt = make(p);
        var path = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            opt.ZeroGrad();
            (0.5 * p.square() + c * p).sum().backward();
            opt.Step();
            path[i] = p.data<double>()[0];
        }
        return path;
    }

    [Fact]
    public void Sgd_momentum_and_nesterov_follow_the_hand_computed_updates()
    {
        // g = θ + 1. Plain: θ₁ = 1 − 0.1·2 = 0.8.  Momentum 0.9: b₁ = g₁ = 2, θ₁ = 0.8; g₂ = 1.8, b₂ = 0.9·2 + 1.8 = 3.6, θ₂ = 0.8 − 0.36 =
        // 0.44.
        Assert.Equal(0.8, Run(p => new Sgd([p], 0.1), 1)[0], 12);
        var m = Run(p => new Sgd([p], 0.1, momentum: 0.9), 2);
        Assert.Equal(0.8, m[0], 12);
        Assert.Equal(0.44, m[1], 12);
        // Nesterov: step 1 uses g + μb = 2 + 1.8 = 3.8 → θ₁ = 0.62.
        Assert.Equal(0.62, Run(p => new Sgd([p], 0.1, momentum: 0.9, nesterov: true), 1)[0], 12);
        // Dampening 0.5: b₂ = 0.9·2 + 0.5·g₂; g₂ = 1.8 → b₂ = 2.7, θ₂ = 0.8 − 0.27 = 0.53.
        Assert.Equal(0.53, Run(p => new Sgd([p], 0.1, momentum: 0.9, dampening: 0.5), 2)[1], 12);
        // L2 decay 0.5: g = θ + 1 + 0.5θ = 2.5 → θ₁ = 0.75.
        Assert.Equal(0.75, Run(p => new Sgd([p], 0.1, weightDecay: 0.5), 1)[0], 12);
    }

    [Fact]
    public void Adam_first_step_moves_by_lr_and_AdamW_shrinks_first()
    {
        // At t = 1, m̂ = g and √v̂ = |g|: the step is η·g/(|g| + ε) ≈ η whatever the gradient's size.
        Assert.Equal(1 - 0.01, Run(p => new Adam([p], 0.01, eps: 0), 1, c: 123)[0], 12);
        // AdamW: θ ← θ(1 − ηλ) = 1 − 0.01·0.5 = 0.995, then − η: 0.985.
        Assert.Equal(0.985, Run(p => new AdamW([p], 0.01, eps: 0, weightDecay: 0.5), 1)[0], 12);
        // Adam with L2: g = θ + 1 + 0.5θ, still normalised away at t = 1: 0.99.
        Assert.Equal(0.99, Run(p => new Adam([p], 0.01, eps: 0, weightDecay: 0.5), 1)[0], 12);
        // Step 2 by hand (β₁ 0.9, β₂ 0.999, g₁ = 2, θ₁ = 0.99, g₂ = 1.99).
        double m = 0.1 * 2, v = 0.001 * 4;
        m = 0.9 * m + 0.1 * 1.99; v = 0.999 * v + 0.001 * 1.99 * 1.99;
        double expected = 0.99 - 0.01 * (m / (1 - 0.81)) / Math.Sqrt(v / (1 - 0.998001));
        Assert.Equal(expected, Run(p => new Adam([p], 0.01, eps: 0), 2)[1], 12);
    }

    [Fact]
    public void State_is_named_like_pytorch_and_created_when_needed()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new MlpLanguageModel(new MlpLmConfig(Context: 2, Embed: 4, Hidden: 8, Layers: 1));
        using var adam = new Adam(ParameterGroup.DecayMatricesOnly(model.named_parameters(), 0.1), 1e-3, amsgrad: true);
        var names = adam.NamedStateTensors().Select(kv => kv.Key).ToHashSet();
        Assert.Contains("embed.weight/exp_avg", names);
        Assert.Contains("head.bias/exp_avg_sq", names);
        Assert.Contains("input.weight/max_exp_avg_sq", names);
        Assert.Equal(model.parameters().Count() * 3, names.Count);
        Assert.Equal(["embed.weight", "input.weight", "head.weight"], adam.Groups[0].Parameters.Select(p => p.Name));
        Assert.Equal(0.0, adam.Groups[1].WeightDecay);

        using var sgd = new Sgd(model.parameters(), 0.1, momentum: 0.9);
        Assert.Empty(sgd.NamedStateTensors()); // PyTorch creates the momentum buffer at the first step
        nn.functional.cross_entropy(model.call(tensor(new long[] { 1, 2 }, [1, 2])), tensor(new long[] { 3 })).backward();
        sgd.Step();
        Assert.Equal(["0/momentum_buffer", "1/momentum_buffer"], sgd.NamedStateTensors().Select(kv => kv.Key).Take(2));
        Assert.Equal(1, sgd.State["0"].Step);
        sgd.ZeroGrad();
        Assert.All(model.parameters(), p => Assert.Equal(0, p.grad!.abs().sum().item<float>()));
    }

    [Fact]
    public void Learning_rate_is_settable_and_checked()
    {
        var path = Run(p => { var o = new Sgd([p], 0.1); o.LearningRate = 0.2; return o; }, 1);
        Assert.Equal(0.6, path[0], 12);
        using var scope = NewDisposeScope();
        var q = new Parameter(zeros(2));
        using var opt = new Adam([q]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => { opt.LearningRate = -1; });
        Assert.Contains("learning rate must be a finite value >= 0 (got -1)", e.Message);
    }

    [Fact]
    public void Bad_settings_name_the_field()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(2));
        Assert.Contains("beta2 must be in [0, 1) (got 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([p], beta2: 1))
            .Message);
        Assert.Contains("eps must be", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], eps: -1)).Message);
        Assert.Contains("weight decay must be a finite value >= 0 (got -0.1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], weightDecay: -0.1)).Message);
        Assert.Contains("Nesterov momentum needs momentum > 0 and dampening = 0",
            Assert.Throws<ArgumentException>(() => new Sgd([p], 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)).Message);
        Assert.Contains("momentum must be in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd([p], 0.1, momentum: 1.5))
            .Message);
        Assert.Contains("no parameters", Assert.Throws<ArgumentException>(() => new Sgd(Array.Empty<Parameter>(), 0.1)).Message);
        var twice = Assert.Throws<ArgumentException>(() =>
            new Sgd([new ParameterGroup("a", [("w", p)]), new ParameterGroup("b", [("w2", p)])], 0.1));
        Assert.Contains("parameter 'w2' (group 'b') is already in another group", twice.Message);
    }

    [Fact]
    public void Dispose_frees_the_state_tensors()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(zeros(3));
        var adam = new Adam([p], amsgrad: true);
        var m = adam.State["0"].Get("exp_avg")!;
        adam.Dispose();
        Assert.True(m.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => adam.Step());
    }
}
