using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Framework;

/// <summary>
/// A small chat model for labs that evaluate "the local GPT" (1.2, 8.2): the newest one an earlier run left
/// (<see cref="PriorRuns"/>), else one trained here (<see cref="Train"/>: a base pretrained on the run's corpus, then lab
/// 7.1's SftRunner on the given conversations). Stateless.
/// </summary>
public static class SmallChatModel
{
    /// <summary>Trains into <c>{ctx.Directory}/{name}-base</c> and <c>{ctx.Directory}/{name}</c>; returns the fine-tuned
    /// checkpoint's folder and how many conversations fitted the context.</summary>
    public static (string Directory, int Conversations) Train(LabContext ctx, SmallChatModelShape s, IEnumerable<SyntheticExample> train,
        string name)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(s);
        string baseDir = Path.Combine(ctx.Directory, name + "-base"), sftDir = Path.Combine(ctx.Directory, name);
        var pretraining = new PretrainingData(Tokenizer: "bpe", VocabSize: s.BpeVocab, TrainBytes: s.CorpusBytes,
            ValidationBytes: s.ValidationBytes);
        var text = PretrainingText.Load(pretraining, ctx.Corpus);
        var config = new PretrainingConfig
        {
            Model = new GptConfig
            {
                VocabSize = text.Tokenizer.VocabSize, Context = s.Context, Width = s.Width, Layers = s.Layers, Heads = s.Heads,
            },
            Data = pretraining,
            // Lab 7.1's base recipe (its LabGptTrainer): AdamW at 3e-3, clip 1.
            Trainer = new TrainerOptions(s.BaseSteps, s.Batch, s.Context, 3e-3, EvalEvery: s.BaseSteps, EvalBatches: 2,
                LogEvery: 1_000_000),
            Seed = Seeding.DeriveSeed(ctx.Seed, name + "-base"), CheckpointEvery = s.BaseSteps, KeepLast = 1,
        };
        using (var bar = ctx.Progress.Begin(name + " base model", s.BaseSteps))
        using (GptPretraining.Train(config, text, baseDir, onStep: _ => bar.Increment())) { }
        // Conversations longer than the context are dropped, as lab 7.1 does (SftRunner refuses them).
        var chat = Part07.ChatRecipe.ChatTokenizer(text.Tokenizer);
        var fitting = train.Where(x => Part07.ChatRecipe.Fits(x, chat, s.Context)).ToList();
        if (fitting.Count == 0) throw new InputException($"no training conversation fits a context of {s.Context} tokens: raise context");
        string trainPath = Path.Combine(ctx.Directory, name + "-train.jsonl");
        ChatJsonl.Write(trainPath, fitting);
        SftRunner.Run(baseDir, trainPath, sftDir,
            new SftOptions(s.SftSteps, s.Batch, 2e-3, Seed: (int)Seeding.DeriveSeed(ctx.Seed, name + "-sft")));
        return (sftDir, fitting.Count);
    }
}
