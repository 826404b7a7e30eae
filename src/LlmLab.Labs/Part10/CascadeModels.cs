using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part10;

/// <summary>Lab 10.3's two models: found (a lab 7.1 run's fine-tune, or a given checkpoint) or trained here with lab 7.1's
/// recipe (a base pretrained on the run's corpus, then <see cref="SftRunner"/> on the families' training split), as lab 1.2
/// does for its one model.</summary>
internal static class CascadeModels
{
    /// <summary>A chat checkpoint directory and a sentence saying where it came from.</summary>
    public static (string Directory, string Origin) Find(LabContext ctx, CostCascadeConfig cfg, SyntheticDataset data, string name, string setting,
        int layers, int width)
    {
        if (setting is not ("auto" or "train")) return (Path.GetFullPath(setting), $"the checkpoint given with --set {name}");
        if (setting == "auto" && PriorRuns.NewestSft(ctx) is { } prior) return (prior, $"the fine-tuned model a lab 7.1 run left (`{prior}`)");
        string baseDir = Path.Combine(ctx.Directory, name + "-base"), sftDir = Path.Combine(ctx.Directory, name + "-sft");
        var pretraining = new PretrainingData(Tokenizer: "bpe", VocabSize: cfg.BpeVocab, TrainBytes: cfg.CorpusBytes, ValidationBytes: cfg.CorpusBytes / 20);
        var text = PretrainingText.Load(pretraining, ctx.Corpus);
        var config = new PretrainingConfig
        {
            Model = new GptConfig { VocabSize = text.Tokenizer.VocabSize, Context = cfg.Context, Width = width, Layers = layers, Heads = cfg.Heads },
            Data = pretraining,
            // Lab 7.1's base recipe (its LabGptTrainer): AdamW at 3e-3, clip 1.
            Trainer = new TrainerOptions(cfg.BaseSteps, cfg.Batch, cfg.Context, 3e-3, EvalEvery: cfg.BaseSteps, EvalBatches: 2, LogEvery: 1_000_000),
            Seed = Seeding.DeriveSeed(ctx.Seed, $"cascade-{name}-base"), CheckpointEvery = cfg.BaseSteps, KeepLast = 1,
        };
        using (var bar = ctx.Progress.Begin($"10.3 {name} base", cfg.BaseSteps))
        using (GptPretraining.Train(config, text, baseDir, onStep: _ => bar.Increment())) { }
        var chat = ((BpeTokenizer)text.Tokenizer).WithChatTokens();
        var train = data.Train.Where(x => ChatTemplate.Chat.Encode(x.Messages, chat, addGenerationPrompt: false).Ids.Length <= cfg.Context + 1).ToList();
        string trainPath = Path.Combine(ctx.Directory, name + "-sft-train.jsonl");
        ChatJsonl.Write(trainPath, train);
        SftRunner.Run(baseDir, trainPath, sftDir, new SftOptions(cfg.SftSteps, cfg.Batch, 2e-3, Seed: (int)Seeding.DeriveSeed(ctx.Seed, $"cascade-{name}-sft")));
        string why = setting == "train" ? $"--set {name}=train" : "no lab 7.1 run under the runs directory left a fine-tuned checkpoint";
        return (sftDir, $"a {layers} × {width} GPT trained here ({why}): {cfg.BaseSteps} pretraining steps on `{ctx.Corpus.Name}`, then " +
            $"{cfg.SftSteps} steps of lab 7.1's `SftRunner` on {train.Count} training conversations");
    }
}
