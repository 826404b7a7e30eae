using LlmLab.Alignment;
using LlmLab.Labs.Framework;

namespace LlmLab.Labs.Part07;

public sealed partial class DpoPpoLab
{
    static readonly string[] MethodNames = ["DPO", "PPO (reward model)", "PPO (checker reward)"];

    static void Summarise(LabContext ctx, DpoPpoLabConfig cfg, Setup s, Method sft, IReadOnlyList<Method> runs)
    {
        var seed0 = MethodNames.Select(n => runs.First(r => r.Name == n)).ToArray();
        double Mean(string n, Func<Method, double> f) => runs.Where(r => r.Name == n).Average(f);
        double Spread(string n) => SampleSd(runs.Where(r => r.Name == n).Select(r => r.Accuracy).ToArray());
        double WinRate(Method m) => Enumerable.Range(0, m.Correct.Length).Average(i => m.Correct[i] == sft.Correct[i] ? 0.5 : m.Correct[i] ? 1 : 0);

        ctx.Report.Heading("DPO vs PPO from the same SFT start (checker-judged, held-out templates)");
        ctx.Report.Table(["method", "accuracy", "format valid", "RM reward", "win rate vs SFT", "KL to SFT (nats/reply)", "tokens generated", "wall-clock",
                          cfg.Seeds > 1 ? $"accuracy s.d. ({cfg.Seeds} seeds)" : "seeds"],
            new[] { sft }.Concat(seed0).Select(m => new[]
            {
                m.Name, Pct(m == sft ? m.Accuracy : Mean(m.Name, r => r.Accuracy)), Pct(m.Format), F(m.Reward, "0.000"),
                m == sft ? "—" : Pct(runs.Where(r => r.Name == m.Name).Average(WinRate)), F(m.Kl, "0.000"),
                m == sft ? "—" : m.TrainTokens.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                m == sft ? "—" : $"{F(m.Seconds, "0.0")} s", m == sft ? "—" : cfg.Seeds > 1 ? Pct(Spread(m.Name)) : "1",
            }), $"{s.Data.Test.Count} test questions on the held-out templates, greedy decoding, graded by each family's checker. RM reward: the " +
            "reward model's mean score of those replies. Win rate: against SFT's reply to the same question, judged by the checker (right beats " +
            "wrong, a tie counts ½). KL: mean Σ_t log π − log π_SFT over replies sampled at temperature 1 (k1, unbiased). Tokens generated: " +
            "during training (PPO's rollouts; DPO's on-policy negatives, made once for the pairs). Wall-clock excludes evaluation and probes.");
        ctx.Report.Table(["family", "SFT", .. MethodNames],
            sft.Scores.Select(f => new[] { f.Family, Pct(f.Accuracy) }.Concat(seed0.Select(m => Pct(m.Scores.First(x => x.Family == f.Family).Accuracy))).ToArray()),
            "Checker-judged accuracy per task family (seed 0).");
        ctx.Plot("reward-over-steps", DpoPpoLabPlots.Curves(seed0, p => p.Reward, "reward model's mean reward of sampled replies"),
            "Reward-model reward of sampled replies over training steps (DPO: probes on test prompts; PPO: each rollout)");
        ctx.Plot("kl-over-steps", DpoPpoLabPlots.Curves(seed0, p => p.Kl, "KL to the SFT reference (nats per reply)"),
            "KL(π ‖ π_SFT) per reply over training steps");
        ctx.Plot("reward-kl-frontier", DpoPpoLabPlots.Frontier(new[] { sft }.Concat(seed0).ToArray()), "Final reward-model reward vs KL to the reference");
        ctx.Plot("accuracy-per-family", DpoPpoLabPlots.Accuracy(new[] { sft }.Concat(seed0).ToArray()), "Checker-judged accuracy per family and method");

        var winner = seed0.OrderByDescending(m => Mean(m.Name, r => r.Accuracy)).ThenByDescending(WinRate).First();
        ctx.Report.Paragraph($"Winner on checker-judged accuracy: **{winner.Name}**, {Pct(Mean(winner.Name, r => r.Accuracy))} against SFT's " +
            $"{Pct(sft.Accuracy)}. Highest reward-model reward: {seed0.MaxBy(m => m.Reward)!.Name} ({F(seed0.Max(m => m.Reward), "0.000")}); " +
            $"furthest from the reference: {seed0.MaxBy(m => m.Kl)!.Name} (KL {F(seed0.Max(m => m.Kl), "0.000")} nats). DPO reads only the " +
            "fixed pairs (no generation while training), PPO pays for its rollouts in tokens and time but optimises what it actually says.");
        Hacking(ctx, sft, seed0.First(m => m.Name == "PPO (reward model)"), cfg.PpoRolloutBatch);
        foreach (var m in seed0) ctx.Report.Headline($"{m.Name}: accuracy", $"{Pct(m.Accuracy)} (SFT {Pct(sft.Accuracy)}), KL {F(m.Kl, "0.00")}");
        Checks(ctx, cfg, s, sft, seed0, winner, Mean(winner.Name, r => r.Accuracy));
    }

    /// <summary>Reward hacking: the reward model's reward rises while the checker's accuracy falls — over PPO's rollouts,
    /// and between SFT and the final policy. A fall is called one only beyond two standard errors of the difference of
    /// two proportions (a one-question change on a small test set is noise, not hacking).</summary>
    static void Hacking(LabContext ctx, Method sft, Method ppo, int rolloutBatch)
    {
        static double Se(double p1, double n1, double p2, double n2) =>
            Math.Sqrt(Math.Max(p1 * (1 - p1), 1e-4) / n1 + Math.Max(p2 * (1 - p2), 1e-4) / n2);
        var c = ppo.Curve;
        int third = Math.Max(1, c.Count / 3);
        double accFirst = c.Take(third).Average(p => p.CheckerAccuracy ?? 0), accLast = c.TakeLast(third).Average(p => p.CheckerAccuracy ?? 0);
        double rmRise = c.TakeLast(third).Average(p => p.Reward) - c.Take(third).Average(p => p.Reward), accRise = accLast - accFirst;
        double seDuring = Se(accFirst, third * rolloutBatch, accLast, third * rolloutBatch);
        int n = sft.Correct.Length;
        double accAfter = ppo.Accuracy - sft.Accuracy, seAfter = Se(sft.Accuracy, n, ppo.Accuracy, n);
        bool during = c.Count >= 2 && rmRise > 0 && accRise < -2 * seDuring;
        bool after = ppo.Reward > sft.Reward && accAfter < -2 * seAfter;
        ctx.Report.Heading("Reward hacking?");
        ctx.Report.Paragraph($"PPO with the reward model, over its rollouts (last third − first third): RM reward {Signed(rmRise)}, checker accuracy " +
            $"on the same sampled replies {Signed(100 * accRise)} points (2 s.e. = {F(200 * seDuring, "0.0")}). After training vs SFT: RM reward " +
            $"{Signed(ppo.Reward - sft.Reward)}, held-out accuracy {Signed(100 * accAfter)} points (2 s.e. = {F(200 * seAfter, "0.0")}). " + (during || after
                ? "**Reward hacking detected**: the policy found replies the reward model likes more while the checker accepts fewer of them, beyond " +
                  "noise (Gao et al. 2023, reward-model overoptimisation). The checker-reward ablation has no reward model to exploit."
                : ppo.Reward > sft.Reward && accAfter < 0
                    ? "The reward model's reward rose while held-out accuracy fell, but by less than two standard errors: a sign to watch, not " +
                      "evidence of reward hacking at this test-set size."
                    : "No reward hacking seen in this run: the reward model's reward and the checker's accuracy did not move apart."));
        ctx.Report.Headline("reward hacking (PPO with RM)", during || after ? "detected" : ppo.Reward > sft.Reward && accAfter < 0 ? "within noise" : "not seen");
    }

    static void Checks(LabContext ctx, DpoPpoLabConfig cfg, Setup s, Method sft, IReadOnlyList<Method> methods, Method winner, double winnerAccuracy)
    {
        var dpo = methods.First(m => m.Name == "DPO");
        // Source: Rafailov et al. 2023, eq. 7 at π = π_ref: h = 0 and −log σ(0) = ln 2, applied to the measured first step.
        if (dpo.Training is { Steps.Count: > 0 } t)
            ctx.Checks.Formula("−log σ(0) = ln 2 at π = π_ref (Rafailov et al. 2023, eq. 7)")
                .Close("DPO loss at step 1 (policy = reference)", t.Steps[0].Loss, Math.Log(2), 1e-3, relative: false, unit: "nats");
        // Source: KL(p ‖ p) = 0; the first rollout is sampled by the SFT weights themselves.
        var ppo = methods.First(m => m.Name == "PPO (reward model)");
        ctx.Checks.Formula("KL(p ‖ p) = 0: PPO's first rollout comes from the reference's own weights")
            .Close("PPO's first-rollout KL to the reference", ppo.Curve[0].Kl, 0, 1e-3, relative: false, unit: "nats");
        // Source: the SFT model's checker-judged accuracy on the same held-out questions (measured here, outside the method).
        var acc = ctx.Checks.SelfConsistency("SFT's checker-judged accuracy on the same held-out questions");
        if (cfg.AccuracyTolerance >= 1)
            acc.Skip($"{winner.Name} (winner) keeps SFT's accuracy", "≥ SFT − tolerance",
                $"not asserted at this profile (tiny models: reported above, {Pct(winnerAccuracy)} vs SFT {Pct(sft.Accuracy)}); --set accuracy_tolerance=0.05 to check");
        else acc.AtLeast($"{winner.Name} (winner): checker-judged accuracy − SFT's", winnerAccuracy - sft.Accuracy, -cfg.AccuracyTolerance);
        // Source: a scorer with no information ranks half of the pairs right (chance = 0.5).
        var rm = ctx.Checks.Formula("chance: a scorer that ignores the replies ranks 50 % of pairs right");
        if (cfg.MinRmAccuracy <= 0)
            rm.Skip("reward model beats chance on held-out pairs", "≥ min_rm_accuracy",
                $"not asserted at this profile (measured {Pct(s.RmHeldOut)}); --set min_rm_accuracy=0.6 to check");
        else rm.AtLeast("reward model's pairwise accuracy on held-out pairs", s.RmHeldOut, cfg.MinRmAccuracy);
    }

    static string Signed(double v) => (v >= 0 ? "+" : "") + F(v, "0.000");

    static double SampleSd(double[] x) => x.Length < 2 ? 0 : Math.Sqrt(x.Sum(v => (v - x.Average()) * (v - x.Average())) / (x.Length - 1));
}
