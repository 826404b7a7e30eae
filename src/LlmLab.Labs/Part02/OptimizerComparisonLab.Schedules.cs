using LlmLab.Labs.Framework;
using LlmLab.Optim;

namespace LlmLab.Labs.Part02;

public sealed partial class OptimizerComparisonLab
{
    /// <summary>The three schedules a trainer can give our optimizers, checked at a few steps against values computed by hand.</summary>
    static void Schedules(LabContext ctx)
    {
        ctx.Report.Heading("Learning-rate schedules");
        // GPT-3-style shape (Brown et al. 2020: linear warmup, cosine to 10 % of the peak), on a 1,000-step scale.
        var constant = new ConstantLr(1e-3);
        var step = new StepLr(1e-3, every: 300, gamma: 0.3);
        var cosine = new WarmupCosineLr(1e-3, warmupSteps: 100, totalSteps: 900, minLr: 1e-4);
        (string Name, double Value, double Expected)[] known =
        [
            ("constant at step 777", constant.At(777), 1e-3),
            ("step decay at step 299 (before the first decay)", step.At(299), 1e-3),
            ("step decay at step 600 (two decays: 1e-3·0.3²)", step.At(600), 9e-5),
            ("warmup at step 49 (1e-3·50/100)", cosine.At(49), 5e-4),
            ("cosine at step 100 (the peak)", cosine.At(100), 1e-3),
            ("cosine halfway, step 500 (1e-4 + 0.5·9e-4)", cosine.At(500), 5.5e-4),
            ("cosine at step 950 (the floor)", cosine.At(950), 1e-4),
        ];
        foreach (var (name, value, expected) in known)
            ctx.Checks.KnownAnswer("values worked by hand from each schedule's formula")
                .Close($"schedule: {name}", value, expected, 1e-12, relative: false);
        ctx.Report.Paragraph("Pure functions of the step (0-based), set on the optimizer before each step: " +
            "`opt.LearningRate = schedule.At(step)`. The tests also compare the step and cosine schedules with TorchSharp's " +
            "`StepLR` and `CosineAnnealingLR`.");
        ctx.Plot("schedules",
            OptimizerPlots.Schedules([("constant", constant), ("step (×0.3 every 300)", step),
            ("warmup 100 + cosine to 1e-4 at 900", cosine)], 1000),
            "The three learning-rate schedules of LlmLab.Optim over 1,000 steps", 800, 400);
    }
}
