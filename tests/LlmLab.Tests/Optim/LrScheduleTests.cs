using LlmLab.Optim;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Tests.Optim;

/// <summary>Schedules against hand-computed values and against TorchSharp's <c>StepLR</c> and <c>CosineAnnealingLR</c>.</summary>
public class LrScheduleTests
{
    public LrScheduleTests() => TorchRuntime.EnsureLoaded(1);

    [Fact]
    public void Constant_and_step_decay_by_hand()
    {
        Assert.Equal(3e-4, new ConstantLr(3e-4).At(12345));
        var s = new StepLr(0.1, every: 3, gamma: 0.5);
        Assert.Equal([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], Enumerable.Range(0, 7).Select(i => s.At(i)));
        Assert.Equal(0.1 * Math.Pow(0.5, 33), s.At(100), 15);
    }

    [Fact]
    public void Warmup_cosine_by_hand()
    {
        var s = new WarmupCosineLr(peakLr: 1e-3, warmupSteps: 10, totalSteps: 110, minLr: 1e-4);
        Assert.Equal(1e-4, s.At(0), 15);        // (0 + 1)/10 of the peak
        Assert.Equal(5e-4, s.At(4), 15);
        Assert.Equal(1e-3, s.At(9), 15);        // warmup ends at the peak
        Assert.Equal(1e-3, s.At(10), 15);       // cosine starts at the peak
        Assert.Equal(5.5e-4, s.At(60), 15);     // halfway: floor + half the range
        Assert.Equal(1e-4 + 0.5 * 9e-4 * (1 + Math.Cos(Math.PI * 0.25)), s.At(35), 15);
        Assert.Equal(1e-4, s.At(110), 15);      // floor at T
        Assert.Equal(1e-4, s.At(5000), 15);     // and after
        Assert.Equal(1.0, new WarmupCosineLr(1.0, 0, 100).At(0));
    }

    /// <summary>The learning rate a TorchSharp scheduler gives a built-in SGD at each of <paramref name="steps"/> steps.</summary>
    static double[] TorchSharpLrs(double lr, Func<optim.Optimizer, optim.lr_scheduler.LRScheduler> make, int steps)
    {
        using var scope = NewDisposeScope();
        var p = new TorchSharp.Modules.Parameter(zeros(1));
        using var opt = optim.SGD([p], lr);
        var sched = make(opt);
        var lrs = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            lrs[i] = opt.ParamGroups.First().LearningRate;
            opt.step();
            sched.step();
        }
        return lrs;
    }

    [Fact]
    public void Step_decay_matches_torchsharp_StepLR()
    {
        var ours = new StepLr(0.2, every: 7, gamma: 0.3);
        var theirs = TorchSharpLrs(0.2, o => optim.lr_scheduler.StepLR(o, 7, 0.3), 40);
        for (int i = 0; i < theirs.Length; i++) Assert.Equal(theirs[i], ours.At(i), 12);
    }

    [Fact]
    public void Cosine_without_warmup_matches_torchsharp_CosineAnnealingLR()
    {
        var ours = new WarmupCosineLr(0.5, warmupSteps: 0, totalSteps: 50, minLr: 0.01);
        var theirs = TorchSharpLrs(0.5, o => optim.lr_scheduler.CosineAnnealingLR(o, 50, 0.01), 51);
        for (int i = 0; i < theirs.Length; i++)
            Assert.True(Math.Abs(theirs[i] - ours.At(i)) <= 1e-9, $"step {i}: ours {ours.At(i)} vs TorchSharp {theirs[i]}");
    }

    [Fact]
    public void Bad_schedules_name_the_field()
    {
        Assert.Contains("every (steps between decays) must be >= 1 (got 0)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new StepLr(0.1, 0, 0.5)).Message);
        Assert.Contains("totalSteps must be greater than warmupSteps (10) (got 10)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineLr(1, 10, 10)).Message);
        Assert.Contains("minLr (2) must not exceed peakLr (1)",
            Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineLr(1, 0, 10, 2)).Message);
        Assert.Contains("lr must be a finite value >= 0", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLr(double.NaN))
            .Message);
        Assert.Contains("step must be >= 0 (got -1)", Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLr(1).At(-1)).Message);
    }
}
