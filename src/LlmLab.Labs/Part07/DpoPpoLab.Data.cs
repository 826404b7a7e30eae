using System.Diagnostics;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;

namespace LlmLab.Labs.Part07;

public sealed partial class DpoPpoLab
{
    /// <summary>Everything the methods share: the SFT reference, the prompts and pairs, the reward model, the test set.</summary>
    internal sealed record Setup(DpoPpoLabConfig Cfg, GptModel Sft, BpeTokenizer Chat, SyntheticDataset Data,
        IReadOnlyList<SyntheticExample> Prompts, IReadOnlyList<PreferencePair> Pairs, ScalarHeadModel RewardModel,
        double RmHeldOut, double RmHeldOutTemplates, double RmSeconds, long PairTokens, int OnPolicyPairs);

    /// <summary>The prompt budget, its preference pairs (one per prompt: an on-policy mistake when the SFT model makes one),
    /// held-out pairs, and the reward model trained on the budget's pairs.</summary>
    static Setup Prepare(LabContext ctx, DpoPpoLabConfig cfg, GptModel sft, BpeTokenizer chat, SyntheticDataset data)
    {
        // New questions from the training templates (another seed than SFT's data), and the held-out templates' for the RM.
        // Twice what is needed: the longest families' questions (tool calls with their tool list) may not fit the context.
        int perFamily = 2 * (cfg.PromptBudget + cfg.HeldOutPairs) / TaskFamilies.All.Count + 4;
        var pool = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(perFamily, Math.Max(2, cfg.HeldOutPairs / TaskFamilies.All.Count),
            cfg.TestTemplates, cfg.Difficulty, Seeding.DeriveSeed(ctx.Seed, "preference-data")));
        bool Fits(SyntheticExample x) => ChatTemplate.Chat.Encode(x.Messages, chat, addGenerationPrompt: false).Ids.Length + cfg.MaxNewTokens <= cfg.Context + 1;
        var fitting = pool.Train.Where(Fits).ToArray();      // families interleaved (a seeded order), so the budget mixes them
        if (fitting.Length < cfg.PromptBudget + cfg.HeldOutPairs)
            throw new InputException($"only {fitting.Length} preference prompts fit the context of {cfg.Context} with max_new_tokens {cfg.MaxNewTokens}: " +
                "lower prompt_budget or held_out_pairs, or raise context");
        var prompts = fitting.Take(cfg.PromptBudget).ToArray();

        var engine = new GenerationEngine(sft, chat);
        var (onPolicy, tokens) = PreferencePairs.OnPolicy(engine, ChatTemplate.Chat, prompts, cfg.OnPolicySamples, cfg.MaxNewTokens,
            Seeding.DeriveSeed(ctx.Seed, "on-policy"));
        var synthetic = PreferencePairs.Synthetic(prompts, Seeding.DeriveSeed(ctx.Seed, "synthetic-pairs"));
        var sampledFor = onPolicy.ToDictionary(p => p.UserText + "\u0001" + p.Chosen);
        var pairs = synthetic.Select(p => sampledFor.GetValueOrDefault(p.UserText + "\u0001" + p.Chosen) ?? p)
            .Where(p => EncodedPair.Encode(p, chat).Length <= cfg.Context + 1).ToArray();
        PreferenceJsonl.Write(Path.Combine(ctx.Directory, "pairs.jsonl"), pairs);
        var heldOut = PreferencePairs.Synthetic(fitting.Skip(cfg.PromptBudget).Take(cfg.HeldOutPairs).ToArray(), Seeding.DeriveSeed(ctx.Seed, "held-out"));
        var heldOutTemplates = PreferencePairs.Synthetic(pool.Test.Where(Fits).ToArray(), Seeding.DeriveSeed(ctx.Seed, "held-out-templates"));

        var start = Stopwatch.GetTimestamp();
        var rm = new ScalarHeadModel(LabGptTrainer.Copy(sft), Seeding.DeriveSeed(ctx.Seed, "rm-head"));
        using (var bar = ctx.Progress.Begin("7.2 reward model", cfg.RmSteps))
        {
            var r = RewardModelTrainer.Train(rm, chat, pairs, new RewardModelOptions(cfg.RmSteps, cfg.DpoBatch, cfg.RmLr, Seeding.DeriveSeed(ctx.Seed, "rm")),
                onStep: m => { bar.Increment(); ctx.Metrics.Log(new { method = "reward model", step = m.Step, loss = m.Loss, accuracy = m.Values?["accuracy"] }); });
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double accHeld = RewardModelTrainer.PairwiseAccuracy(rm, chat, heldOut);
        double accTemplates = RewardModelTrainer.PairwiseAccuracy(rm, chat, heldOutTemplates);
        ctx.Report.Paragraph($"Preference pairs: {pairs.Length} (one per prompt of the budget; `pairs.jsonl` in the common " +
            "`{\"prompt\",\"chosen\",\"rejected\"}` form). Chosen = the reference reply, which the family's checker accepts; rejected = " +
            $"the SFT model's own sampled reply when the checker refused it ({onPolicy.Count} on-policy negatives, {cfg.OnPolicySamples} sample(s) a prompt, " +
            $"{tokens:N0} tokens generated), else a synthetic mistake the checker refuses: " +
            string.Join(", ", pairs.GroupBy(p => p.Source).Select(g => $"{g.Key} {g.Count()}")) + ".");
        ctx.Report.Paragraph($"Reward model: the SFT GPT with a scalar head on its final hidden states, {cfg.RmSteps} steps of the Bradley–Terry " +
            $"loss ({F(seconds, "0.0")} s). Pairwise accuracy: {Pct(accHeld)} on {heldOut.Count} held-out pairs of the training templates, " +
            $"{Pct(accTemplates)} on {heldOutTemplates.Count} pairs of the held-out templates (chance: 50 %).");
        ctx.Report.Headline("reward model: held-out pairwise accuracy", $"{Pct(accHeld)} (held-out templates {Pct(accTemplates)})");
        return new Setup(cfg, sft, chat, data, prompts, pairs, rm, accHeld, accTemplates, seconds, tokens, onPolicy.Count);
    }
}
