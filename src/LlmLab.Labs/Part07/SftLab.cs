using System.Globalization;
using LlmLab.Alignment;
using LlmLab.Data;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part07;

/// <summary>
/// Lab 7.1 — supervised fine-tuning on synthetic data. Pretrains a small base GPT on the corpus (lab 6's recipe through
/// the Part 9 trainer helper) or loads one (<c>--set base=PATH</c>: our checkpoint, a Hugging Face folder, a GGUF file),
/// adds the six chat tokens to its BPE tokenizer and grows its embedding (mean rows), generates
/// checkable conversations from six task families split by template, then compares the base prompted few-shot, full
/// fine-tuning and LoRA on the held-out templates: accuracy per family (parsed answers), format validity, forgetting
/// (the pretraining validation loss before and after, and how much replaying pretraining text during SFT saves),
/// trainable parameters, adapter size and wall-clock; plus a data-scaling curve of full fine-tuning.
/// </summary>
public sealed partial class SftLab : Lab<SftLabConfig>
{
    protected override string Id => "7.1";

    public override SftLabConfig Defaults(Profile profile) => SftLabConfig.For(profile);

    protected override void Validate(SftLabConfig cfg)
    {
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        LabCorpus.Validate("bpe", cfg.BpeVocab);
        if (!string.IsNullOrWhiteSpace(cfg.Base)) SftBaseLoader.Check(cfg.Base);
        ConfigRules.InRange("replay_fraction", cfg.ReplayFraction, 0, 0.9);
        if (cfg.ReplayFraction > 0 && ReplayMixBatches.ReplayRows(cfg.Batch,
            cfg.ReplayFraction) is var rows && (rows < 1 || rows >= cfg.Batch))
            throw new InputException($"replay_fraction {F(cfg.ReplayFraction)} of batch {cfg.Batch} gives {rows} replay rows: " +
                "it must leave at least one replay row and one SFT row (0 turns replay off)");
        ConfigRules.InRange("max_replay_forgetting_ratio", cfg.MaxReplayForgettingRatio, 0, 10);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("base_layers", cfg.BaseLayers), ("base_width",
            cfg.BaseWidth),
                     ("base_heads", cfg.BaseHeads), ("base_steps", cfg.BaseSteps), ("batch", cfg.Batch), ("train_per_family",
                         cfg.TrainPerFamily),
                     ("test_per_family", cfg.TestPerFamily), ("test_templates", cfg.TestTemplates), ("sft_steps", cfg.SftSteps),
                         ("max_new_tokens", cfg.MaxNewTokens) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.AtLeast("shots", cfg.Shots, 0);
        ConfigRules.DivisibleBy("base_width", cfg.BaseWidth, "base_heads", cfg.BaseHeads);
        ConfigRules.InRange("difficulty", cfg.Difficulty, 1, 3);
        ConfigRules.InRange("sft_lr", cfg.SftLr, 1e-6, 1);
        ConfigRules.InRange("lora_lr", cfg.LoraLr, 1e-6, 1);
        ConfigRules.InRange("lora_alpha", cfg.LoraAlpha, 1e-3, 1e4);
        ConfigRules.NotEmpty("lora_ranks", cfg.LoraRanks);
        foreach (int r in cfg.LoraRanks) ConfigRules.InRange("lora_ranks", r, 1, 1024);
        ConfigRules.NotEmpty("scaling_fractions", cfg.ScalingFractions);
        foreach (double f in cfg.ScalingFractions) ConfigRules.InRange("scaling_fractions", f, 1e-3, 1);
        ConfigRules.InRange("min_gain", cfg.MinGain, -1, 1);
        ConfigRules.InRange("max_lora_gap", cfg.MaxLoraGap, 0, 1);
        ConfigRules.InRange("forgetting_tolerance", cfg.ForgettingTolerance, 0, 100);
        ConfigRules.InRange("min_format_gain", cfg.MinFormatGain, -1, 1);
    }

    public override void Run(LabContext ctx, SftLabConfig cfg)
    {
        using var recipe = ChatRecipe.Start(ctx, cfg.Base, cfg.CorpusBytes, cfg.ValidationBytes, cfg.BpeVocab,
            new LabGptPlan("base", cfg.BaseLayers, cfg.BaseWidth, cfg.BaseHeads, cfg.BaseSteps, cfg.BaseLr), cfg.Context, cfg.Batch,
                evalBatches: 8);
        cfg = cfg with { Context = recipe.Context };
        var (corpus, baseTokenizer, chatTokenizer, baseModel, grown) = (recipe.Corpus, recipe.Plain, recipe.Chat, recipe.Base,
            recipe.Grown);
        var data = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(cfg.TrainPerFamily, cfg.TestPerFamily,
            cfg.TestTemplates,
            cfg.Difficulty, Seeding.DeriveSeed(ctx.Seed, "sft-data")));
        ChatJsonl.Write(Path.Combine(ctx.Directory, "train.jsonl"), data.Train);
        ChatJsonl.Write(Path.Combine(ctx.Directory, "test.jsonl"), data.Test);
        var train = recipe.Encode(data.Train, cfg.Context);
        var test = recipe.Encode(data.Test, cfg.Context);
        var testBatches = new SftBatches(test, cfg.Batch, cfg.Context, SftBatchLayout.Pad, seed: 0);
        using var sftValidation = new EvalSet(Enumerable.Range(0,
            (test.Length + cfg.Batch - 1) / cfg.Batch).Select(_ => Detach(testBatches.Next())).ToList());
        using var pretrainValidation = EvalSet.FromTokens(corpus.Validation, cfg.Context, cfg.Batch, 8);
        string baseName = recipe.Loaded?.ToString() ?? $"lab 7.1 base ({cfg.BaseLayers} × {cfg.BaseWidth}, seed {ctx.Seed})";
        var s = new Setup(cfg, chatTokenizer, baseModel, grown, data, train, sftValidation, pretrainValidation, corpus.Train, baseName);
        Introduce(ctx, cfg, recipe, data, train);

        var baseline = BaseFewShot(ctx, s, baseTokenizer);
        var full = FullFineTune(ctx, s, train.Length, "full fine-tuning", saveTo: Path.Combine(ctx.Directory, "sft-full"));
        string replayName = $"full FT + {ReplayMixBatches.ReplayRows(cfg.Batch, cfg.ReplayFraction)}/{cfg.Batch} rows replay";
        var replayed = cfg.ReplayFraction > 0 ? FullFineTune(ctx, s, train.Length, replayName, replay: true) : null;
        var loras = cfg.LoraRanks.Select(r => Lora(ctx, s, r)).ToList();
        var scaling = cfg.ScalingFractions.Where(f => f < 1).Select(f => (int)Math.Max(1, Math.Round(f * train.Length)))
            .Distinct().Select(n => FullFineTune(ctx, s, n, $"full FT, {n} examples")).Append(full).OrderBy(v => v.Examples).ToList();
        Summarise(ctx, cfg, new Compared(baseline, full, replayed, loras), scaling, baseModel.ParameterCount, BytesPerToken(corpus));
    }

    /// <summary>UTF-8 bytes per token of the validation text: turns nats per token into bits per byte.</summary>
    static double BytesPerToken(LabCorpus corpus) =>
        corpus.Tokenizer is BpeTokenizer bpe ? (double)bpe.DecodeBytes(corpus.Validation).Length / corpus.Validation.Length : 1;

    static TrainingBatch Detach(TrainingBatch b) => new(b.X.DetachFromDisposeScope(), b.Y.DetachFromDisposeScope(),
        b.Positions?.DetachFromDisposeScope(), b.Mask?.DetachFromDisposeScope());

    static void Introduce(LabContext ctx, SftLabConfig cfg, ChatRecipe recipe, SyntheticDataset data, IReadOnlyList<ChatEncoding> train)
    {
        var (chat, plain) = (recipe.Chat, recipe.Plain);
        ctx.Report.Paragraph($"Base model: {recipe.Description}. Its tokenizer gets the six chat tokens " +
            $"({string.Join(" ", ChatTokens.All.Select(t => $"`{t}`"))}) as ids {plain.VocabSize}–{chat.VocabSize - 1} (ids it already has keep " +
            "theirs), and its embedding (and LM head) grows by as many rows, set to the mean row (`VocabularyGrowth`).");
        ctx.Report.Paragraph($"Synthetic data: {data.Train.Count:N0} training and {data.Test.Count:N0} test conversations from " +
            $"{TaskFamilies.All.Count} families ({string.Join(", ", TaskFamilies.All.Select(f => f.Name))}), difficulty {cfg.Difficulty}. " +
            $"The split is by template: the last {cfg.TestTemplates} templates of each family are the test set's only, so the test asks in phrasings " +
            $"no training example used. Decontamination (Part 5's exact hash and MinHash-LSH at Jaccard 0.8) dropped {data.ExactRemoved} exact and " +
            $"{data.NearRemoved} near duplicates of test examples; {train.Count:N0} training conversations fit the context of {cfg.Context} " +
            "(one that does not is dropped: SFT rows never cut a conversation). Files: `train.jsonl`, `test.jsonl` (OpenAI chat format).");
        ctx.Report.Table(["family", "training conversations that fit", "longest training conversation (tokens)",
                "longest test conversation (tokens)"],
            TaskFamilies.All.Select(f => new[]
            {
                f.Name,
                $"{data.Train.Count(x => x.Family == f.Name && ChatRecipe.Fits(x, chat, cfg.Context))} of {data.Train.Count(x => x.Family == f.Name)}",
                Longest(data.Train.Where(x => x.Family == f.Name), chat), Longest(data.Test.Where(x => x.Family == f.Name), chat),
            }), $"Per family, with the chat tokenizer: a conversation needs at most context + 1 = {cfg.Context + 1} tokens.");
        ctx.Report.Paragraph($"Fine-tuning: `Trainer` on packed rows (`SftBatches`, per-example positions and a block-diagonal mask), loss on the " +
            $"assistant's tokens only, {cfg.SftSteps} steps × {cfg.Batch} rows of {cfg.Context}, AdamW, clip 1. LoRA (from scratch, `LoraModel`) adapts " +
            $"every block linear (c_attn, c_proj, c_fc) with α = {F(cfg.LoraAlpha)} and keeps the token embedding trainable (the new tokens' rows start " +
            "identical and must become distinct: PEFT's modules_to_save). Evaluation: greedy decoding through `GenerationEngine`, answers parsed by each " +
            "family's checker.");
    }

    static string Longest(IEnumerable<SyntheticExample> xs, BpeTokenizer chat) =>
        xs.Select(x => ChatTemplate.Chat.Encode(x.Messages, chat, addGenerationPrompt: false).Ids.Length).DefaultIfEmpty(0).Max()
            .ToString(CultureInfo.InvariantCulture);

    static string F(double v, string format = "0.###") => v.ToString(format, CultureInfo.InvariantCulture);
}
