using LlmLab.Alignment;
using LlmLab.Data;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part07;

/// <summary>
/// Lab 7.1's recipe for a small chat model, shared by labs 7.1, 7.2, 7.3 (and 1.2's data filter), so that "the SFT
/// model" means the same thing in each: (1) a GPT pretrained on the run's corpus with a BPE tokenizer
/// (<see cref="LabGptTrainer"/>); (2) the tokenizer with the six chat tokens appended and the model's embedding grown
/// to them (<see cref="VocabularyGrowth"/>: mean rows); (3) conversations rendered with <see cref="ChatTemplate.Chat"/>,
/// those longer than the context dropped (<see cref="SftBatches"/> refuses them); (4) full fine-tuning with the one
/// <see cref="Trainer"/> on packed rows, loss on the assistant's tokens, AdamW, clip 1. Owns the base and the grown
/// model (disposed with it). Not thread-safe.
/// </summary>
internal sealed class ChatRecipe : IDisposable
{
    ChatRecipe(LabCorpus corpus, BpeTokenizer chat, GptModel baseModel, TrainingResult baseTraining, GptModel grown) =>
        (Corpus, Chat, Base, BaseTraining, Grown) = (corpus, chat, baseModel, baseTraining, grown);

    /// <summary>Steps 1 and 2: pretrains the base (<paramref name="plan"/>, named "base") on the run's corpus and grows it.</summary>
    public static ChatRecipe Start(LabContext ctx, long corpusBytes, long validationBytes, int bpeVocab, LabGptPlan plan, int context,
        int batch, int evalBatches)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        var corpus = LabCorpus.Load(ctx, corpusBytes, validationBytes, "bpe", bpeVocab);
        var (baseModel, training) = LabGptTrainer.Train(ctx, corpus, plan, context, batch, evalBatches);
        try
        {
            var chat = ChatTokenizer(corpus.Tokenizer);
            return new ChatRecipe(corpus, chat, baseModel, training, VocabularyGrowth.Grow(baseModel, chat.VocabSize));
        }
        catch
        {
            baseModel.Dispose();
            throw;
        }
    }

    /// <summary>The run's corpus and its plain BPE tokenizer.</summary>
    public LabCorpus Corpus { get; }

    /// <summary>The corpus tokenizer, as the base model knows it (no chat tokens).</summary>
    public BpeTokenizer Plain => (BpeTokenizer)Corpus.Tokenizer;

    /// <summary>The tokenizer with the chat tokens after the plain ids.</summary>
    public BpeTokenizer Chat { get; }

    /// <summary>The pretrained base, with the plain vocabulary.</summary>
    public GptModel Base { get; }

    /// <summary>The base's pretraining run (validation losses before and after).</summary>
    public TrainingResult BaseTraining { get; }

    /// <summary>The base with its embedding grown to <see cref="Chat"/>'s vocabulary: where fine-tuning starts.</summary>
    public GptModel Grown { get; }

    /// <summary>Step 3 with this recipe's chat tokenizer.</summary>
    public ChatEncoding[] Encode(IEnumerable<SyntheticExample> examples, int context) => Encode(examples, Chat, context);

    /// <summary>The base tokenizer with the chat tokens (a BPE tokenizer is required: the tokens are appended to it).</summary>
    public static BpeTokenizer ChatTokenizer(ITokenizer plain) => plain is BpeTokenizer bpe ? bpe.WithChatTokens()
        : throw new ArgumentException($"the chat recipe needs a BPE tokenizer (got {plain.GetType().Name})", nameof(plain));

    /// <summary>Step 3: each conversation rendered with the chat template, those with more than context + 1 ids dropped.</summary>
    public static ChatEncoding[] Encode(IEnumerable<SyntheticExample> examples, BpeTokenizer chat, int context) =>
        examples.Select(x => ChatTemplate.Chat.Encode(x.Messages, chat, addGenerationPrompt: false))
            .Where(e => e.Ids.Length <= context + 1).ToArray();

    /// <summary>Whether a conversation fits step 3's rule (inputs and shifted targets of one row: context + 1 ids).</summary>
    public static bool Fits(SyntheticExample example, BpeTokenizer chat, int context) =>
        ChatTemplate.Chat.Encode(example.Messages, chat, addGenerationPrompt: false).Ids.Length <= context + 1;

    /// <summary>
    /// Step 4: <paramref name="steps"/> steps of <paramref name="loss"/> on packed rows of <paramref name="train"/>
    /// (batches seeded from the run's seed, "sft-batches", so every variant sees the same rows), AdamW at
    /// <paramref name="learningRate"/>, clip 1. The model is trained in place and left in evaluation mode.
    /// </summary>
    /// <param name="label">The progress bar's text.</param>
    /// <param name="validation">Evaluated every <paramref name="evalEvery"/> steps (and at the end); null = none.</param>
    public static TrainingResult FineTune(LabContext ctx, nn.Module model, Func<TrainingBatch, Tensor> loss,
        IReadOnlyList<ChatEncoding> train, int steps, int batch, int context, double learningRate, string label,
        EvalSet? validation = null, int? evalEvery = null, Action<EvalMetrics>? onEval = null)
    {
        var options = new TrainerOptions(Steps: steps, Batch: batch, Context: context, LearningRate: learningRate, GradClip: 1.0,
            EvalEvery: evalEvery ?? steps + 1, LogEvery: 1_000_000);
        var batches = new SftBatches(train, batch, context, SftBatchLayout.Pack, Seeding.DeriveSeed(ctx.Seed, "sft-batches"));
        using var bar = ctx.Progress.Begin(label, steps);
        var result = new Trainer(model, loss, options).Run(batches, validation, onStep: _ => bar.Increment(), onEval: onEval);
        model.eval();
        return result;
    }

    public void Dispose()
    {
        Grown.Dispose();
        Base.Dispose();
    }
}
