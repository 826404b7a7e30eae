using System.Diagnostics;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Labs.Part07;

public sealed partial class DpoPpoLab
{
    /// <summary>A point of a training curve: the reward model's mean reward and the KL to the reference of sampled replies,
    /// and (PPO) the checker's accuracy on them.</summary>
    internal sealed record CurvePoint(int Step, double Reward, double Kl, double? CheckerAccuracy);

    /// <summary>What one method (one seed) measured.</summary>
    internal sealed record Method(string Name, int Seed, IReadOnlyList<FamilyScore> Scores, bool[] Correct, double Reward, double Kl,
        long TrainTokens, double Seconds, IReadOnlyList<CurvePoint> Curve, TrainingResult? Training)
    {
        public double Accuracy => SftEvaluator.Overall(Scores);
        public double Format => SftEvaluator.OverallFormat(Scores);
    }

    /// <summary>SFT, then DPO, PPO (reward model) and PPO (checker) per seed, each from a copy of the SFT weights.</summary>
    static void Compare(LabContext ctx, DpoPpoLabConfig cfg, Setup s)
    {
        var sft = Evaluate(ctx, s, s.Sft, "SFT", 0, 0, 0, [], null);
        var methods = new List<Method>();
        for (int seed = 0; seed < cfg.Seeds; seed++)
        {
            methods.Add(Dpo(ctx, s, seed));
            methods.Add(Ppo(ctx, s, seed, checkerReward: false));
            methods.Add(Ppo(ctx, s, seed, checkerReward: true));
        }
        Summarise(ctx, cfg, s, sft, methods);
    }

    static Method Dpo(LabContext ctx, Setup s, int seed)
    {
        var cfg = s.Cfg;
        using var policy = LabGptTrainer.Copy(s.Sft);
        var curve = new List<CurvePoint> { Probe(s, policy, 0, seed) };
        var start = Stopwatch.GetTimestamp();
        double probing = 0;
        using var bar = ctx.Progress.Begin($"7.2 DPO (seed {seed})", cfg.DpoSteps);
        var options = new DpoOptions(cfg.DpoSteps, cfg.DpoBatch, cfg.DpoLr, cfg.DpoBeta, DpoLossKind.Sigmoid, Seeding.DeriveSeed(ctx.Seed, $"dpo-{seed}"));
        var result = DpoTrainer.Train(policy, s.Chat, s.Pairs, options, reference: s.Sft, onStep: m =>
        {
            bar.Increment();
            ctx.Metrics.Log(new { method = "DPO", seed, step = m.Step, loss = m.Loss, values = m.Values });
            if (m.Step % cfg.ProbeEvery != 0 && m.Step != cfg.DpoSteps) return;
            var t = Stopwatch.GetTimestamp();
            curve.Add(Probe(s, policy, m.Step, seed));
            probing += Stopwatch.GetElapsedTime(t).TotalSeconds;
        });
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds - probing;
        // DPO generates nothing while training; its pairs' on-policy samples are counted once, for the pairs.
        return Evaluate(ctx, s, policy, "DPO", seed, s.PairTokens, seconds, curve, result);
    }

    static Method Ppo(LabContext ctx, Setup s, int seed, bool checkerReward)
    {
        var cfg = s.Cfg;
        string name = checkerReward ? "PPO (checker reward)" : "PPO (reward model)";
        using var policy = LabGptTrainer.Copy(s.Sft);
        var options = new PpoOptions(Rollouts: cfg.PromptBudget / cfg.PpoRolloutBatch, RolloutBatch: cfg.PpoRolloutBatch, MiniBatch: cfg.PpoMiniBatch,
            Epochs: cfg.PpoEpochs, LearningRate: cfg.PpoLr, KlCoef: cfg.KlCoef, Kl: cfg.Kl == "k3" ? KlEstimator.K3 : KlEstimator.K1,
            MaxNewTokens: cfg.MaxNewTokens, Seed: Seeding.DeriveSeed(ctx.Seed, $"ppo-{seed}"));
        var checkerByRollout = new List<(double Rm, double Checker)>();
        double[] Reward(IReadOnlyList<PpoSample> samples)
        {
            // Both rewards are computed on every rollout: one drives the run, the other shows what it did to the other.
            var rm = RewardModelTrainer.Score(s.RewardModel, samples.Select(x => (x.Prompt, x.Reply)).ToArray());
            var correct = samples.Select(x => Grade(s.Prompts[x.PromptIndex], x.Text) ? 1.0 : 0.0).ToArray();
            checkerByRollout.Add((rm.Average(v => (double)v), correct.Average()));
            return checkerReward ? correct : rm.Select(v => (double)v).ToArray();
        }
        var start = Stopwatch.GetTimestamp();
        using var bar = ctx.Progress.Begin($"7.2 {name} (seed {seed})", options.Rollouts * options.StepsPerRollout);
        var (result, rollouts) = PpoTrainer.Train(policy, s.Chat, s.Prompts.Select(x => x.Prompt).ToArray(), Reward, options, reference: s.Sft,
            onStep: m => { bar.Increment(); ctx.Metrics.Log(new { method = name, seed, step = m.Step, loss = m.Loss, values = m.Values }); });
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var curve = rollouts.Select((r, i) => new CurvePoint(r.Rollout * options.StepsPerRollout, checkerByRollout[i].Rm, r.Kl, checkerByRollout[i].Checker)).ToList();
        return Evaluate(ctx, s, policy, name, seed, rollouts.Sum(r => r.Tokens), seconds, curve, result);
    }

    static bool Grade(SyntheticExample x, string reply) => TaskFamilies.ByName(x.Family).Check(x.ReferenceText, reply).Correct;

    /// <summary>The reward model's mean reward and the mean KL to the SFT reference of replies sampled for the first
    /// probe_prompts test prompts.</summary>
    static CurvePoint Probe(Setup s, GptModel policy, int step, int seed)
    {
        var prompts = s.Data.Test.Take(s.Cfg.ProbePrompts).Select(x => ChatTemplate.Chat.Encode(x.Prompt, s.Chat, addGenerationPrompt: true).Ids).ToArray();
        var (samples, kl) = PolicySampler.Sample(policy, s.Sft, s.Chat, prompts, s.Cfg.MaxNewTokens, Seeding.DeriveSeed(seed, "probe"));
        var reward = RewardModelTrainer.Score(s.RewardModel, samples.Select(x => (x.Prompt, x.Reply)).ToArray());
        return new CurvePoint(step, reward.Average(v => (double)v), kl.Average(), null);
    }

    /// <summary>Checker-judged accuracy on the held-out templates (greedy), the reward model's reward of those replies, and
    /// the KL to the reference of sampled replies to the same prompts.</summary>
    static Method Evaluate(LabContext ctx, Setup s, GptModel policy, string name, int seed, long trainTokens, double seconds,
        List<CurvePoint> curve, TrainingResult? training)
    {
        var test = s.Data.Test;
        var correct = new bool[test.Count];
        var replies = new string[test.Count];
        var index = new Dictionary<SyntheticExample, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < test.Count; i++) index[test[i]] = i;
        int logged = 0;
        var scores = SftEvaluator.Evaluate(policy, s.Chat, ChatTemplate.Chat, test, s.Cfg.MaxNewTokens, onReply: (x, reply, grade) =>
        {
            int i = index[x];
            (correct[i], replies[i]) = (grade.Correct, reply);
            if (logged++ < 6) ctx.Metrics.Log(new { method = name, seed, family = x.Family, question = x.UserText, reply, grade.Correct });
        });
        int context = s.Cfg.Context;
        var prompts = test.Select(x => ChatTemplate.Chat.Encode(x.Prompt, s.Chat, addGenerationPrompt: true).Ids).ToArray();
        // A prompt too long to leave room for a reply is left out of the reward and KL means (the checker saw it, truncated).
        var room = Enumerable.Range(0, test.Count).Where(i => prompts[i].Length < context).ToArray();
        var reward = RewardModelTrainer.Score(s.RewardModel, room.Select(i => (prompts[i],
            EncodedPair.Reply(replies[i], s.Chat).TakeLast(context + 1 - prompts[i].Length).ToArray())).ToArray());
        var (_, kl) = PolicySampler.Sample(policy, s.Sft, s.Chat, room.Select(i => prompts[i]).ToArray(), s.Cfg.MaxNewTokens,
            Seeding.DeriveSeed(seed, "kl-eval"));
        return new Method(name, seed, scores, correct, reward.Average(v => (double)v), kl.Average(), trainTokens, seconds, curve, training);
    }
}
