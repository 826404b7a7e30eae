using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Monitoring.Caching;
using LlmLab.Monitoring.Cascade;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LlmLab.Labs.Part10;

public sealed partial class CostCascadeLab
{
    internal static readonly double[] TargetRates = [0.1, 0.25, 0.5, 0.75];

    /// <summary>One question answered by both models (greedy), with the small answer's confidence and each call's tokens.</summary>
    internal sealed record Answered(SyntheticExample Example, bool SmallCorrect, double Score, long SmallIn, long SmallOut, bool LargeCorrect,
        long LargeIn, long LargeOut);

    /// <summary>A policy's cost and accuracy on the test questions.</summary>
    internal sealed record Policy(string Name, double Accuracy, double Cost, double EscalationRate);

    /// <summary>Section 2: large only, small only, the calibrated cascade, and the cascade behind the exact cache.</summary>
    static void Cascade(LabContext ctx, CostCascadeConfig cfg)
    {
        ctx.Report.Heading("2. A cascade of two models: cost against accuracy");
        TorchRuntime.EnsureLoaded(ctx.Threads);
        int perFamily = cfg.ValidationPerFamily + cfg.TestPerFamily;
        var data = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(cfg.TrainPerFamily, perFamily, 2, cfg.Difficulty,
            Seeding.DeriveSeed(ctx.Seed, "sft-data")));
        // Validation and test: alternate held-out questions within each family, so both splits hold every family.
        var held = data.Test.GroupBy(x => x.Family).SelectMany(g => g.Select((x, i) => (x, i))).ToList();
        var validation = held.Where(p => p.i < cfg.ValidationPerFamily).Select(p => p.x).ToList();
        var test = held.Where(p => p.i >= cfg.ValidationPerFamily).Select(p => p.x).ToList();
        var (largeDir, largeOrigin) = CascadeModels.Find(ctx, cfg, data, "large", cfg.Large, cfg.LargeLayers, cfg.LargeWidth);
        var (smallDir, smallOrigin) = CascadeModels.Find(ctx, cfg, data, "small", cfg.Small, cfg.SmallLayers, cfg.SmallWidth);
        var (largeModel, largeTok, largeCk) = ChatCheckpoint.Load(largeDir, "large model");
        var (smallModel, smallTok, smallCk) = ChatCheckpoint.Load(smallDir, "small model");
        using var _l = largeModel;
        using var _s = smallModel;
        var largePrice = ModelPrice.FromParameters(largeModel.ParameterCount);
        var smallPrice = ModelPrice.FromParameters(smallModel.ParameterCount);
        ctx.Report.Paragraph($"Large model: {largeOrigin}, {largeModel.ParameterCount:N0} parameters. Small model: {smallOrigin}, " +
            $"{smallModel.ParameterCount:N0} parameters. Both answer greedily (at most {cfg.MaxNewTokens} tokens) through `LocalChatClient`, graded by " +
            $"lab 7.1's family checkers on {validation.Count} validation and {test.Count} test questions (held-out templates). Cost model: tokens × " +
            $"2·N FLOPs per token (Kaplan et al. 2020, C_forward ≈ 2N), i.e. {F(smallPrice.PerInputToken * 1e3, "0.###")} MFLOP/token small, " +
            $"{F(largePrice.PerInputToken * 1e3, "0.###")} MFLOP/token large; costs below are in GFLOP.");
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = cfg.MaxNewTokens };
        using var small = new LocalChatClient(new GenerationEngine(smallModel, smallTok, PromptOverflow.Error), "small", ChatCheckpoint.TemplateOf(smallCk));
        using var large = new LocalChatClient(new GenerationEngine(largeModel, largeTok, PromptOverflow.Error), "large", ChatCheckpoint.TemplateOf(largeCk));
        var scorer = new MeanLogProbScorer();
        List<Answered> Answer(IReadOnlyList<SyntheticExample> set, string what)
        {
            using var bar = ctx.Progress.Begin($"10.3 {what}", set.Count);
            return set.Select(x =>
            {
                var family = TaskFamilies.ByName(x.Family);
                var s = small.GetResponseAsync(x.Prompt, scorer.Prepare(options)).GetAwaiter().GetResult();
                double score = scorer.ScoreAsync(small, x.Prompt, options, s, default).GetAwaiter().GetResult().Value;
                var l = large.GetResponseAsync(x.Prompt, options).GetAwaiter().GetResult();
                bar.Increment();
                return new Answered(x, family.Check(x.ReferenceText, s.Text).Correct, score, s.Usage?.InputTokenCount ?? 0,
                    s.Usage?.OutputTokenCount ?? 0, family.Check(x.ReferenceText, l.Text).Correct, l.Usage?.InputTokenCount ?? 0,
                    l.Usage?.OutputTokenCount ?? 0);
            }).ToList();
        }
        var val = Answer(validation, "validation");
        var tst = Answer(test, "test");
        double SmallCost(Answered a) => smallPrice.Cost(a.SmallIn, a.SmallOut);
        double LargeCost(Answered a) => largePrice.Cost(a.LargeIn, a.LargeOut);
        Policy Simulate(string name, double threshold) => new(name,
            tst.Average(a => a.Score < threshold ? (a.LargeCorrect ? 1.0 : 0) : (a.SmallCorrect ? 1 : 0)),
            tst.Sum(a => SmallCost(a) + (a.Score < threshold ? LargeCost(a) : 0)), ThresholdCalibration.EscalationRate(tst.Select(a => a.Score).ToList(), threshold));
        var policies = new List<Policy>
        {
            new("large only", tst.Average(a => a.LargeCorrect ? 1.0 : 0), tst.Sum(LargeCost), 1),
            new("small only", tst.Average(a => a.SmallCorrect ? 1.0 : 0), tst.Sum(SmallCost), 0),
        };
        var calibrated = new List<(double Target, double Threshold, double ValRate)>();
        foreach (double target in TargetRates)
        {
            var (t, rate) = ThresholdCalibration.ForEscalationRate(val.Select(a => a.Score).ToList(), target);
            calibrated.Add((target, t, rate));
            policies.Add(Simulate($"cascade, target {Pct(target)} escalated", t));
        }
        // The live cascade client at the middle target must take exactly the decisions and costs simulated from the separate answers.
        var (midTarget, midT, _) = calibrated[1];
        var cascade = new CascadeChatClient(small, large, scorer, midT, smallPrice, largePrice, "cascade(small,large)");
        var live = tst.Select(a => cascade.AnswerAsync(a.Example.Prompt, options).GetAwaiter().GetResult()).ToList();
        int sameDecisions = live.Zip(tst).Count(p => p.First.Escalated == p.Second.Score < midT);
        ctx.Checks.SelfConsistency("the two models' answers measured one by one").Equal("live cascade: decisions equal to the simulated ones",
            sameDecisions, tst.Count);
        var sim = Simulate("", midT);
        ctx.Checks.SelfConsistency("the same measurements: tokens × price").Close("live cascade cost vs simulated (GFLOP)", live.Sum(r => r.Cost),
            sim.Cost, 1e-9);
        // Escalation on the test split: the scores of both splits are draws from one distribution, so the rate calibrated on validation
        // should hold on test within sampling error (binomial: 3 standard deviations of the difference of two proportions, plus ties).
        foreach (var (target, t, valRate) in calibrated)
        {
            double testRate = ThresholdCalibration.EscalationRate(tst.Select(a => a.Score).ToList(), t);
            double sd = Math.Sqrt(Math.Max(valRate * (1 - valRate), 1.0 / val.Count) * (1.0 / val.Count + 1.0 / tst.Count));
            ctx.Checks.Formula("binomial sampling error, 3 sd of a difference of proportions").AtMost(
                $"|test − validation escalation rate| at target {Pct(target)}", Math.Abs(testRate - valRate), 3 * sd + 1.0 / tst.Count);
        }
        // Cascade + exact cache on a workload where a share of the questions repeat earlier ones.
        var rng = ctx.Rng("workload");
        var workload = new List<int>();
        for (int i = 0; i < tst.Count; i++)
        {
            workload.Add(i);
            while (rng.NextDouble() < cfg.RepeatShare) workload.Add(workload[rng.Next(workload.Count)]);
        }
        var cache = new ExactResponseCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), new ResponseCacheOptions());
        double cachedCost = 0, uncachedCost = 0;
        int cachedCorrect = 0, uncachedCorrect = 0;
        foreach (int i in workload)
        {
            var a = tst[i];
            var prompt = new CachedPrompt("key-lab", cascade.ModelId, a.Example.Prompt.Select(m => (m.Role.Value, m.Text)).ToList(), "", 0);
            string answer;
            if (cache.GetAsync(prompt).GetAwaiter().GetResult() is { } hit) answer = hit.Body;
            else
            {
                var r = live[i];
                cachedCost += r.Cost;
                answer = r.Final.Text;
                cache.SetAsync(prompt, answer, 0, 0, r.Cost).GetAwaiter().GetResult();
            }
            uncachedCost += live[i].Cost;
            var family = TaskFamilies.ByName(a.Example.Family);
            cachedCorrect += family.Check(a.Example.ReferenceText, answer).Correct ? 1 : 0;
            uncachedCorrect += family.Check(a.Example.ReferenceText, live[i].Final.Text).Correct ? 1 : 0;
        }
        ctx.Checks.SelfConsistency("greedy replies are a function of the prompt").Equal("cascade + exact cache: correct answers = the cascade's",
            cachedCorrect, uncachedCorrect);
        double largeWorkload = workload.Sum(i => LargeCost(tst[i]));
        var report = policies.Select(p => (p.Name, p.Accuracy, p.Cost / policies[0].Cost, p.EscalationRate)).ToList();
        report.Add(($"cascade (target {Pct(midTarget)}) + exact cache, {workload.Count} requests with repeats", (double)cachedCorrect / workload.Count,
            cachedCost / largeWorkload, double.NaN));
        ctx.Report.Table(["policy", "accuracy", "cost / large only", "escalated (test)"], report.Select(r => new[]
        {
            r.Name, Pct(r.Accuracy), F(r.Item3, "0.000"), double.IsNaN(r.EscalationRate) ? "—" : Pct(r.EscalationRate),
        }), $"Test questions ({tst.Count}); the cache row runs a workload of {workload.Count} requests ({workload.Count - tst.Count} repeats) " +
            "and compares with large only on the same workload");
        foreach (var r in report) ctx.Metrics.Log(new { section = "cascade", policy = r.Name, accuracy = r.Accuracy, relative_cost = r.Item3 });
        ctx.Report.Table(["target", "threshold (confidence)", "escalated (validation)", "escalated (test)"], calibrated.Select(c => new[]
        {
            Pct(c.Target), F(c.Threshold, "0.0000"), Pct(c.ValRate), Pct(ThresholdCalibration.EscalationRate(tst.Select(a => a.Score).ToList(), c.Threshold)),
        }), "Thresholds calibrated on the validation split (RouteLLM-style), applied to the test split");
        var goal = report.Where(r => r.Item3 <= 0.5 && r.Accuracy >= policies[0].Accuracy - 0.01).ToList();
        // The goal only says something when large answers better than small: otherwise "small only" meets it trivially.
        bool vacuous = policies[0].Accuracy <= policies[1].Accuracy + 0.01;
        ctx.Report.Headline("goal: ≥ 50 % cheaper within 1 point of large", vacuous
            ? $"not meaningful here: large ({Pct(policies[0].Accuracy)}) is no better than small ({Pct(policies[1].Accuracy)}) on these questions"
            : goal.Count > 0
            ? $"reached by {goal.Count} polic{(goal.Count == 1 ? "y" : "ies")}: {goal[0].Name}, {Pct(goal[0].Accuracy)} at {F(goal[0].Item3, "0.00")} × large's cost"
            : $"not reached (large {Pct(policies[0].Accuracy)}, small {Pct(policies[1].Accuracy)})");
        ctx.Report.Paragraph("Reported, not asserted: whether the goal is reached depends on how much the two models differ and on how well " +
            "the small model's confidence separates its right answers from its wrong ones. When the small model is wrong most of the time, " +
            "keeping within 1 point of the large model needs nearly every question escalated, and the cascade then costs more than large " +
            "alone (it pays for the small answer too); the cache's saving does not depend on the models: it is the share of repeated requests.");
        ctx.Plot("cost-accuracy", CostCascadePlots.CostAccuracy(report.Select(r => (r.Name, r.Accuracy, r.Item3)).ToList()),
            "Accuracy against cost relative to the large model alone, per policy");
    }
}
