using System.Globalization;
using LlmLab.Inference;
using LlmLab.Inference.Speculative;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Labs.Part09;

/// <summary>
/// Lab 9.2 — speculative decoding (Leviathan et al. 2023; Chen et al. 2023). Trains a small draft GPT and a larger
/// target GPT on the corpus with one tokenizer, then decodes held-out prompts with the library's
/// <see cref="SpeculativeDecoder"/> for γ = 1…8 draft tokens per target call at several temperatures, beside the target
/// alone. Checks that greedy output is the target's own, that sampled tokens follow the target's distribution, that α is
/// in (0, 1] and that tokens per target call follow (1 − α^(γ+1)) / (1 − α); reports the measured speed-up, the cost
/// ratio of a draft forward to a target forward, and the best γ.
/// </summary>
public sealed partial class SpeculativeDecodingLab : Lab<SpeculativeDecodingConfig>
{
    protected override string Id => "9.2";

    public override SpeculativeDecodingConfig Defaults(Profile profile) => SpeculativeDecodingConfig.For(profile);

    protected override void Validate(SpeculativeDecodingConfig cfg)
    {
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        LabCorpus.Validate(cfg.Tokenizer, cfg.BpeVocab);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("batch", cfg.Batch),
                     ("eval_batches", cfg.EvalBatches),
                     ("draft_layers", cfg.DraftLayers), ("draft_width", cfg.DraftWidth), ("draft_heads", cfg.DraftHeads),
                     ("draft_steps", cfg.DraftSteps), ("target_layers", cfg.TargetLayers), ("target_width", cfg.TargetWidth),
                     ("target_heads", cfg.TargetHeads), ("target_steps", cfg.TargetSteps), ("prompts", cfg.Prompts),
                     ("prompt_tokens", cfg.PromptTokens), ("generate_tokens", cfg.GenerateTokens), ("cost_repeats", cfg.CostRepeats),
                         ("distribution_draws", cfg.DistributionDraws) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.DivisibleBy("draft_width", cfg.DraftWidth, "draft_heads", cfg.DraftHeads);
        ConfigRules.DivisibleBy("target_width", cfg.TargetWidth, "target_heads", cfg.TargetHeads);
        ConfigRules.InRange("draft_lr", cfg.DraftLr, 1e-6, 1);
        ConfigRules.InRange("target_lr", cfg.TargetLr, 1e-6, 1);
        ConfigRules.InRange("max_formula_deviation", cfg.MaxFormulaDeviation, 0, 10);
        ConfigRules.NotEmpty("gammas", cfg.Gammas);
        ConfigRules.NotEmpty("temperatures", cfg.Temperatures);
        foreach (int g in cfg.Gammas) ConfigRules.InRange("gammas", g, 1, 32);
        foreach (double t in cfg.Temperatures) ConfigRules.InRange("temperatures", t, 0, 10);
        if (!cfg.Temperatures.Contains(0))
            throw new InputException(
                $"--set temperatures={string.Join(",", cfg.Temperatures.Select(t => F(t)))}: include 0 (greedy), where the output must " +
                $"equal the target's and the speed-up goal is measured");
        if (cfg.PromptTokens + cfg.GenerateTokens >= cfg.Context)
            throw new InputException(
                $"--set generate_tokens={cfg.GenerateTokens}: prompt_tokens + generate_tokens ({cfg.PromptTokens + cfg.GenerateTokens}) " +
                $"must be below context ({cfg.Context})");
    }

    protected override void Plan(LabPlan plan, SpeculativeDecodingConfig cfg)
    {
        plan.CorpusBytes("corpus_bytes", cfg.CorpusBytes);
        long val = plan.CorpusBytes("validation_bytes", cfg.ValidationBytes, validation: true);
        // A token is at least one byte: fewer bytes than the prompts (LabCorpus.Prompts) and one evaluation window need
        // cannot give the tokens either.
        long need = Math.Max(cfg.Prompts + cfg.PromptTokens, cfg.Context + 1);
        LabPlan.Require(val >= need,
            $"--set validation_bytes={cfg.ValidationBytes}: the corpus's validation split gives {val:N0} bytes, fewer than the " +
            $"{need:N0} tokens the prompts and the evaluation window need");
    }

    public override void Run(LabContext ctx, SpeculativeDecodingConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        var data = LabCorpus.Load(ctx, cfg.CorpusBytes, cfg.ValidationBytes, cfg.Tokenizer, cfg.BpeVocab);
        var draftPlan = new LabGptPlan("draft", cfg.DraftLayers, cfg.DraftWidth, cfg.DraftHeads, cfg.DraftSteps, cfg.DraftLr);
        var targetPlan = new LabGptPlan("target", cfg.TargetLayers, cfg.TargetWidth, cfg.TargetHeads, cfg.TargetSteps, cfg.TargetLr);
        var (draft, draftTraining) = LabGptTrainer.Train(ctx, data, draftPlan, cfg.Context, cfg.Batch, cfg.EvalBatches);
        using (draft)
        {
            var (target, targetTraining) = LabGptTrainer.Train(ctx, data, targetPlan, cfg.Context, cfg.Batch, cfg.EvalBatches);
            using (target)
            {
                Introduce(ctx, cfg, data, [(draftPlan, draft, draftTraining), (targetPlan, target, targetTraining)]);
                var prompts = data.Prompts(cfg.Prompts, cfg.PromptTokens);
                var decoder = new SpeculativeDecoder(target, draft);
                var costs = MeasureCosts(decoder, prompts[0], cfg);
                var sweep = Sweep(ctx, decoder, prompts, cfg);
                CheckGreedyIdentity(ctx, target, data, prompts, sweep, cfg);
                CheckDistribution(ctx, decoder, prompts[0], cfg);
                Summarise(ctx, cfg, costs, sweep);
            }
        }
    }

    void Introduce(LabContext ctx, SpeculativeDecodingConfig cfg, LabCorpus data,
        IReadOnlyList<(LabGptPlan Plan, GptModel Model, TrainingResult Training)> models)
    {
        ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`, {data}. Both models use this one tokenizer (the draft must propose the " +
            $"target's ids) and are the library's GPT (`LlmLab.Nn.Gpt.GptModel`), trained by `LlmLab.Training.Trainer` (AdamW, gradient " +
            $"clip 1) on seeded random windows of {cfg.Batch} × {cfg.Context} tokens. Decoding is " +
            "`LlmLab.Inference.Speculative.SpeculativeDecoder`: each step the draft proposes γ tokens one by one, the target scores all " +
            "of them in one forward over γ + 1 tokens, and `SpeculativeRule` keeps a prefix of them plus one token of the target's " +
            "(accept xᵢ with probability min(1, p(xᵢ)/q(xᵢ)); at the first rejection draw from norm(max(0, p − q))).");
        ctx.Report.Table(["model", "layers × width (heads)", "parameters", "fp32 MB", "steps", "training s",
            "val loss start → end (nats/token)"],
            models.Select(m => new[]
            {
                m.Plan.Name, $"{m.Plan.Layers} × {m.Plan.Width} ({m.Plan.Heads})", N(m.Model.ParameterCount),
                    F(m.Model.ParameterCount * 4 / 1e6, "0.00"),
                N(m.Training.StepsDone), F(m.Training.Seconds, "0.0"),
                    $"{F(m.Training.Initial!.Loss, "0.000")} → {F(m.Training.Final!.Loss, "0.000")}",
            }));
        foreach (var m in models)
            ctx.Checks.SelfConsistency("the same model's loss before training")
                .AtMost($"{m.Plan.Name}: validation loss falls in training (end ≤ start)", m.Training.Final!.Loss, m.Training.Initial!.Loss,
                    "nats");
    }

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);
    static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
