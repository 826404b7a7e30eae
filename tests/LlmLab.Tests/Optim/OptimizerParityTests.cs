using System.Text;
using LlmLab.Data;
using LlmLab.Nn;
using LlmLab.Optim;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Optim;

/// <summary>Our SGD, Adam and AdamW against libtorch's built-ins, step for step, for 100 steps of a small byte-level MLP LM.</summary>
public class OptimizerParityTests
{
    const double Tolerance = 1e-6; // fp32; the updates use the same ops in the same order, so 0 is expected
    const int Steps = 100;

    public OptimizerParityTests() => TorchRuntime.EnsureLoaded(1);

    static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
        "Returns the number of elements in the collection. Throws ArgumentNullException when source is null. ", 20)));

    static MlpLanguageModel Model()
    {
        manual_seed(7);
        return new MlpLanguageModel(new MlpLmConfig(Context: 4, Embed: 8, Hidden: 32, Layers: 2));
    }

    static (Tensor X, Tensor Y) Batch(int step) => ContextWindows.Sample(Text, 4, 16, new Random(1000 + step));

    public static TheoryData<string, OptimizerSpec> Specs => new()
    {
        { "sgd", new OptimizerSpec(OptimizerKind.Sgd, 0.1) },
        { "sgd-momentum", new OptimizerSpec(OptimizerKind.Sgd, 0.05, Momentum: 0.9) },
        { "sgd-momentum-dampening-decay", new OptimizerSpec(OptimizerKind.Sgd, 0.05, WeightDecay: 1e-2, Momentum: 0.9, Dampening: 0.3) },
        { "sgd-nesterov-decay", new OptimizerSpec(OptimizerKind.Sgd, 0.05, WeightDecay: 1e-2, Momentum: 0.9, Nesterov: true) },
        { "adam", new OptimizerSpec(OptimizerKind.Adam, 3e-3) },
        { "adam-decay", new OptimizerSpec(OptimizerKind.Adam, 3e-3, WeightDecay: 0.1, Beta1: 0.8, Beta2: 0.95, Eps: 1e-6) },
        { "adam-amsgrad-decay", new OptimizerSpec(OptimizerKind.Adam, 3e-3, WeightDecay: 0.05, Amsgrad: true) },
        { "adamw", new OptimizerSpec(OptimizerKind.AdamW, 3e-3, WeightDecay: 0.1) },
        { "adamw-amsgrad-betas", new OptimizerSpec(OptimizerKind.AdamW, 3e-3, WeightDecay: 0.5, Beta1: 0.85, Beta2: 0.98, Eps: 1e-7,
            Amsgrad: true) },
        { "adamw-no-decay", new OptimizerSpec(OptimizerKind.AdamW, 3e-3, WeightDecay: 0) },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Matches_the_builtin_step_for_step(string name, OptimizerSpec spec)
    {
        var r = OptimizerParity.Compare(Model, spec, Batch, Steps);
        Assert.True(r.MaxAbsDiff <= Tolerance, $"{name}: {r}");
        Assert.Equal(Steps, r.Steps);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Matches_with_decay_on_matrices_only_and_a_schedule(OptimizerKind kind)
    {
        var spec = new OptimizerSpec(kind, kind == OptimizerKind.Sgd ? 0.05 : 3e-3, WeightDecay: 0.2, Momentum: 0.9);
        var schedule = new WarmupCosineLr(spec.LearningRate, warmupSteps: 10, totalSteps: 80, minLr: spec.LearningRate / 10);
        var r = OptimizerParity.Compare(Model, spec, Batch, Steps, decayMatricesOnly: true, schedule: schedule);
        Assert.True(r.MaxAbsDiff <= Tolerance, $"{kind}: {r}");
    }

    [Fact]
    public void Adam_and_AdamW_agree_without_decay_and_part_with_it()
    {
        // The one difference between the two is where λ goes; with λ = 0 they are the same algorithm.
        double Gap(double decay)
        {
            using var scope = NewDisposeScope();
            using var m1 = Model();
            using var m2 = Model();
            using var adam = new Adam(m1.parameters(), 3e-3, weightDecay: decay);
            using var adamw = new AdamW(m2.parameters(), 3e-3, weightDecay: decay);
            for (int s = 0; s < 20; s++)
            {
                using var step = NewDisposeScope();
                var (x, y) = Batch(s);
                foreach (var (m, o) in new (MlpLanguageModel, IOptimizer)[] { (m1, adam), (m2, adamw) })
                {
                    o.ZeroGrad();
                    nn.functional.cross_entropy(m.call(x), y).backward();
                    o.Step();
                }
            }
            return m1.parameters().Zip(m2.parameters(), (a, b) => (a - b).abs().max().item<float>()).Max();
        }
        Assert.Equal(0, Gap(0));
        Assert.True(Gap(0.5) > 1e-4);
    }

    [Fact]
    public void TorchSharps_implicit_AdamW_decay_is_another_optimizer_and_a_gap_is_located()
    {
        // TorchSharp's AdamW defaults to weight_decay 0 where PyTorch (and ours) use 0.01: leaving it implicit is a
        // different optimizer, and the comparison must see it.
        var spec = new OptimizerSpec(OptimizerKind.AdamW, LearningRate: 1e-2, WeightDecay: 0.01);
        Assert.True(OptimizerParity.Compare(Model, spec, Batch, 5).MaxAbsDiff <= Tolerance);
        var r = OptimizerParity.Compare(Model, spec, Batch, 5,
            reference: groups => optim.AdamW(groups.SelectMany(g => g.Parameters.Select(p => p.Parameter)), lr: 1e-2));
        Assert.True(r.MaxAbsDiff > 1e-4, $"expected TorchSharp's default weight decay 0 to differ from 0.01: {r}");
        // The gap is located: the element named holds the two values whose difference is the gap, at a step within the run.
        Assert.Equal(r.MaxAbsDiff, Math.Abs(r.Ours - r.Reference), 6);
        Assert.InRange(r.AtStep, 1, 5);
        Assert.Contains($"{r.Parameter}[{r.Index}]", r.ToString());
        Assert.Contains($"step {r.AtStep}", r.ToString());
    }
}
