using System.Globalization;
using LlmLab.Agents.Prompts;
using LlmLab.Alignment;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;

namespace LlmLab.Labs.Part01;

/// <summary>
/// Lab 1.2 — writing prompts, measured. The prompt evaluation harness (<c>llmlab prompts eval</c>: variants × tests ×
/// providers, judged by assertions) on lab 7.1's task families:
/// <list type="number">
/// <item>the harness itself, on scripted models whose replies are known (the reference answer, the answer wrapped in
/// chat, nothing, the answer late): every assertion type must give the verdict that follows from the reply's
/// construction — these are the lab's checks;</item>
/// <item>the local model (a lab 7.1 fine-tune found under the runs directory, or a small one trained here with lab
/// 7.1's <c>SftRunner</c>) asked zero-shot, one-shot, with a format constraint and step by step, judged by the
/// families' checkers: its pass rates are reported (table and plot), not asserted — a model this small answers
/// little right, and which prompt helps it is what the lab shows.</item>
/// </list>
/// </summary>
public sealed partial class PromptLab : Lab<PromptLabConfig>
{
    protected override string Id => "1.2";

    public override PromptLabConfig Defaults(Profile profile) => PromptLabConfig.For(profile);

    protected override void Validate(PromptLabConfig cfg)
    {
        foreach (var (key, value) in new (string, int)[] { ("tests_per_family", cfg.TestsPerFamily), ("max_new_tokens", cfg.MaxNewTokens),
                     ("latency_bound_ms", cfg.LatencyBoundMs), ("context", cfg.Context), ("layers", cfg.Layers), ("width", cfg.Width),
                     ("heads", cfg.Heads), ("base_steps", cfg.BaseSteps), ("train_per_family", cfg.TrainPerFamily), ("sft_steps",
                         cfg.SftSteps),
                     ("batch", cfg.Batch) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.InRange("difficulty", cfg.Difficulty, 1, 3);
        ConfigRules.AtLeast("slow_delay_ms", cfg.SlowDelayMs, 2 * cfg.LatencyBoundMs);
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        ConfigRules.InRange("bpe_vocab", cfg.BpeVocab, 300, 65_536);
        ConfigRules.DivisibleBy("width", cfg.Width, "heads", cfg.Heads);
        if (cfg.Model is not ("auto" or "train") && !Directory.Exists(cfg.Model))
            throw new InputException($"--set model={cfg.Model}: no such directory; give auto, train or a checkpoint " +
                "directory of 'llmlab sft'");
    }

    protected override void Plan(LabPlan plan, PromptLabConfig cfg) =>
        // The families must hold that many distinct conversations at this difficulty (Generate refuses otherwise); seconds.
        SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(cfg.TrainPerFamily, cfg.TestsPerFamily, 2,
            cfg.Difficulty, Seeding.DeriveSeed(plan.Seed, "sft-data")));

    public override void Run(LabContext ctx, PromptLabConfig cfg)
    {
        // The questions: lab 7.1's held-out templates (the last two of each family), its training split for the solved examples.
        var data = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(cfg.TrainPerFamily, cfg.TestsPerFamily, 2,
            cfg.Difficulty,
            Seeding.DeriveSeed(ctx.Seed, "sft-data")));
        ctx.Report.Paragraph($"Questions: {data.Test.Count} held-out conversations of lab 7.1's {TaskFamilies.All.Count} task families " +
            $"({cfg.TestsPerFamily} per family, from the templates its training never uses); each is one test of the harness, with the " +
            "variables question, system, answer, shot_question/shot_answer (a solved example of the same family) and format. The same " +
            "suite can be written as YAML and run with `llmlab prompts eval` (docs/part-01.md gives the format).");

        Harness(ctx, cfg, data);
        LocalModel(ctx, cfg, data);
    }

    static string F(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);
}
