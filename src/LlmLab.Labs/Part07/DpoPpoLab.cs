using System.Globalization;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part07;

/// <summary>
/// Lab 7.2 — DPO vs PPO from the same SFT start. Trains lab 7.1's SFT model (its base recipe and fine-tuning), builds
/// preference pairs from the task families on a fixed prompt budget (chosen = the checker-accepted reference; rejected =
/// the SFT model's own sampled mistake when it makes one, else a synthetic wrong or malformed reply), trains a reward
/// model (GPT + scalar head, Bradley–Terry), then from the same SFT weights: DPO on the pairs, PPO with the reward model,
/// and PPO with the task checker as the reward (the verifiable-reward ablation), each on the same prompts. Every method is
/// judged by the checker on the held-out templates (never by the reward model), plus its reward-model reward, win rate
/// against SFT, KL to the SFT reference, tokens generated and wall-clock; reward hacking (RM reward up while checker
/// accuracy falls) is looked for and shown.
/// </summary>
public sealed partial class DpoPpoLab : Lab<DpoPpoLabConfig>
{
    protected override string Id => "7.2";

    public override DpoPpoLabConfig Defaults(Profile profile) => DpoPpoLabConfig.For(profile);

    protected override void Validate(DpoPpoLabConfig cfg)
    {
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        LabCorpus.Validate("bpe", cfg.BpeVocab);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("base_layers", cfg.BaseLayers), ("base_width",
            cfg.BaseWidth),
                     ("base_heads", cfg.BaseHeads), ("base_steps", cfg.BaseSteps), ("batch", cfg.Batch), ("train_per_family",
                         cfg.TrainPerFamily),
                     ("test_per_family", cfg.TestPerFamily), ("test_templates", cfg.TestTemplates), ("sft_steps", cfg.SftSteps),
                     ("prompt_budget", cfg.PromptBudget), ("on_policy_samples", cfg.OnPolicySamples), ("held_out_pairs", cfg.HeldOutPairs),
                     ("rm_steps", cfg.RmSteps), ("dpo_steps", cfg.DpoSteps), ("dpo_batch", cfg.DpoBatch), ("ppo_rollout_batch",
                         cfg.PpoRolloutBatch),
                     ("ppo_mini_batch", cfg.PpoMiniBatch), ("ppo_epochs", cfg.PpoEpochs), ("max_new_tokens", cfg.MaxNewTokens),
                     ("probe_prompts", cfg.ProbePrompts), ("probe_every", cfg.ProbeEvery), ("seeds", cfg.Seeds) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.DivisibleBy("base_width", cfg.BaseWidth, "base_heads", cfg.BaseHeads);
        if (!string.IsNullOrWhiteSpace(cfg.Base)) SftBaseLoader.Check(cfg.Base);
        ConfigRules.DivisibleBy("prompt_budget", cfg.PromptBudget, "ppo_rollout_batch", cfg.PpoRolloutBatch);
        if (cfg.PpoMiniBatch > cfg.PpoRolloutBatch) throw new InputException($"ppo_mini_batch ({cfg.PpoMiniBatch}) must be <= ppo_rollout_batch ({cfg.PpoRolloutBatch})");
        foreach (var (key, value) in new[] { ("base_lr", cfg.BaseLr), ("sft_lr", cfg.SftLr), ("rm_lr", cfg.RmLr), ("dpo_lr", cfg.DpoLr),
            ("ppo_lr", cfg.PpoLr) })
            ConfigRules.InRange(key, value, 1e-7, 1);
        ConfigRules.InRange("dpo_beta", cfg.DpoBeta, 1e-3, 100);
        ConfigRules.InRange("kl_coef", cfg.KlCoef, 0, 10);
        if (cfg.Kl is not ("k1" or "k3")) throw new InputException($"kl must be k1 or k3 (got '{cfg.Kl}')");
        ConfigRules.InRange("accuracy_tolerance", cfg.AccuracyTolerance, 0, 1);
        ConfigRules.InRange("min_rm_accuracy", cfg.MinRmAccuracy, 0, 1);
    }

    public override void Run(LabContext ctx, DpoPpoLabConfig cfg)
    {
        using var recipe = ChatRecipe.Start(ctx, cfg.Base, cfg.CorpusBytes, cfg.ValidationBytes, cfg.BpeVocab,
            new LabGptPlan("base", cfg.BaseLayers, cfg.BaseWidth, cfg.BaseHeads, cfg.BaseSteps, cfg.BaseLr), cfg.Context, cfg.Batch,
                evalBatches: 8);
        cfg = cfg with { Context = recipe.Context };
        var (chat, sft) = (recipe.Chat, recipe.Grown);
        var data = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(cfg.TrainPerFamily, cfg.TestPerFamily,
            cfg.TestTemplates, cfg.Difficulty,
            Seeding.DeriveSeed(ctx.Seed, "sft-data")));
        var sftTraining = FineTune(ctx, cfg, sft, chat, data);
        ctx.Report.Paragraph($"SFT start: lab 7.1's recipe — {recipe.Description}; " +
            $"the chat tokens added, then {cfg.SftSteps} steps of SFT on {data.Train.Count:N0} conversations (loss " +
            $"{F(sftTraining.Steps[0].Loss, "0.000")} → {F(sftTraining.Steps[^1].Loss, "0.000")}). Every method below starts from these weights " +
            $"and sees the same {cfg.PromptBudget} training prompts; the SFT model is the frozen reference of DPO and PPO.");
        var s = Prepare(ctx, cfg, sft, chat, data);
        using (s.RewardModel) Compare(ctx, cfg, s);
    }

    /// <summary>Lab 7.1's full fine-tuning (packed rows, completion-only loss) of the grown base, in place.</summary>
    static TrainingResult FineTune(LabContext ctx, DpoPpoLabConfig cfg, GptModel model, BpeTokenizer chat, SyntheticDataset data)
    {
        var train = ChatRecipe.Encode(data.Train, chat, cfg.Context);
        return ChatRecipe.FineTune(ctx, model, SftLoss.For(model), train, cfg.SftSteps, cfg.Batch, cfg.Context, cfg.SftLr, "7.2 SFT start");
    }

    static string F(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);

    static string Pct(double v) => (100 * v).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
