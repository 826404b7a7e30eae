using System.Globalization;
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
/// (<see cref="LabGptTrainer"/>) — or, with <c>--set base=PATH</c>, a base opened by <see cref="SftBaseLoader"/> (our
/// checkpoint, a Hugging Face folder, a GGUF file), whose tokenizer then tokenizes the run's corpus; (2) the tokenizer
/// with the six chat tokens appended and the model's embedding grown to them (<see cref="VocabularyGrowth"/>: mean
/// rows); (3) conversations rendered with <see cref="ChatTemplate.Chat"/>, those longer than the context dropped
/// (<see cref="SftBatches"/> refuses them); (4) full fine-tuning with the one <see cref="Trainer"/> on packed rows, loss
/// on the assistant's tokens, AdamW, clip 1, optionally with rows of pretraining text replayed
/// (<see cref="ReplayMixBatches"/>). Owns the base and the grown model (disposed with it). Not thread-safe.
/// </summary>
internal sealed class ChatRecipe : IDisposable
{
    ChatRecipe(LabCorpus corpus, BpeTokenizer chat, GptModel baseModel, TrainingResult? baseTraining, SftBaseModel? loaded, GptModel grown,
        int context, string description) =>
        (Corpus, Chat, Base, BaseTraining, Loaded, Grown, Context, Description) =
        (corpus, chat, baseModel, baseTraining, loaded, grown, context, description);

    /// <summary>Steps 1 and 2: pretrains the base (<paramref name="plan"/>, named "base") on the run's corpus and grows
    /// it, or, when <paramref name="basePath"/> is not empty, opens that base instead (the plan is then unused).</summary>
    /// <param name="context">The context asked for; a loaded base with fewer positions lowers it (<see cref="Context"/>).</param>
    public static ChatRecipe Start(LabContext ctx, string? basePath, long corpusBytes, long validationBytes, int bpeVocab, LabGptPlan plan,
        int context, int batch, int evalBatches)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        if (!string.IsNullOrWhiteSpace(basePath)) return Open(ctx, basePath, corpusBytes, validationBytes, context);
        var corpus = LabCorpus.Load(ctx, corpusBytes, validationBytes, "bpe", bpeVocab);
        var (baseModel, training) = LabGptTrainer.Train(ctx, corpus, plan, context, batch, evalBatches);
        try
        {
            var chat = ChatTokenizer(corpus.Tokenizer);
            string description = string.Create(CultureInfo.InvariantCulture,
                $"the library's GPT, {plan.Layers} layers × {plan.Width} ({baseModel.ParameterCount:N0} parameters), pretrained {plan.Steps} " +
                $"steps on `{ctx.Corpus.Name}` ({corpus}); validation loss {training.Evals[0].Loss:0.000} → {training.Evals[^1].Loss:0.000} nats");
            var grown = VocabularyGrowth.Grow(baseModel, chat.VocabSize);
            return new ChatRecipe(corpus, chat, baseModel, training, null, grown, context, description);
        }
        catch
        {
            baseModel.Dispose();
            throw;
        }
    }

    /// <summary>Step 1 with a given base: no pretraining; the run's corpus (its forgetting and replay text) is
    /// tokenized with the base's tokenizer, special tokens off.</summary>
    static ChatRecipe Open(LabContext ctx, string basePath, long corpusBytes, long validationBytes, int context)
    {
        var loaded = SftBaseLoader.Open(basePath);
        try
        {
            loaded.Model.eval();
            var tokenizer = loaded.Tokenizer;
            string train = CorpusText.Load(ctx.Corpus, corpusBytes);
            string validation = CorpusText.Load(ctx.Corpus, validationBytes, validation: true);
            var corpus = new LabCorpus("bpe", tokenizer, tokenizer.EncodeOrdinary(train), tokenizer.EncodeOrdinary(validation));
            int positions = loaded.Model.Config.Context, used = Math.Min(context, positions);
            string description = string.Create(CultureInfo.InvariantCulture,
                $"loaded, not pretrained here: **{loaded.Name}** ({loaded.Kind}, {loaded.Model.Config.Layers} layers × " +
                $"{loaded.Model.Config.Width}, {loaded.Parameters:N0} parameters{(loaded.Step is { } step ? $", step {step}" : "")}) from " +
                $"`{loaded.Source}`; its tokenizer ({tokenizer.VocabSize:N0} ids) tokenizes `{ctx.Corpus.Name}` for the forgetting " +
                $"measure and replay ({corpus}), which need not be the text it was pretrained on" +
                $"{(used < context ? $"; the context is {used}, the base's n_positions, not the {context} asked" : "")}");
            var chat = loaded.ChatTokenizer();
            return new ChatRecipe(corpus, chat, loaded.Model, null, loaded, loaded.Grow(chat), used, description);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>The base as the reports describe it: how it was made (or where it was loaded from), its size.</summary>
    public string Description { get; }

    /// <summary>The context the labs use: the one asked for, or a loaded base's n_positions when smaller.</summary>
    public int Context { get; }

    /// <summary>The base opened from a path (<c>--set base=</c>), or null when it was pretrained here.</summary>
    public SftBaseModel? Loaded { get; }

    /// <summary>The run's corpus and its plain BPE tokenizer.</summary>
    public LabCorpus Corpus { get; }

    /// <summary>The base's tokenizer, as the base model knows it (no chat tokens unless a loaded base had them).</summary>
    public BpeTokenizer Plain => (BpeTokenizer)Corpus.Tokenizer;

    /// <summary>The tokenizer with the chat tokens after the plain ids.</summary>
    public BpeTokenizer Chat { get; }

    /// <summary>The pretrained base, with the plain vocabulary.</summary>
    public GptModel Base { get; }

    /// <summary>The base's pretraining run (validation losses before and after); null for a loaded base.</summary>
    public TrainingResult? BaseTraining { get; }

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
    /// <paramref name="learningRate"/>, clip 1. The model is trained in place and left in evaluation mode. With
    /// <paramref name="replay"/>, round(batch × fraction) rows of each batch are windows of that pretraining text with a
    /// loss on every token (<see cref="ReplayMixBatches"/>), the other rows SFT.
    /// </summary>
    /// <param name="label">The progress bar's text.</param>
    /// <param name="validation">Evaluated every <paramref name="evalEvery"/> steps (and at the end); null = none.</param>
    /// <param name="replay">Pretraining token ids and the share of rows replayed from them; null = SFT rows only.</param>
    public static TrainingResult FineTune(LabContext ctx, nn.Module model, Func<TrainingBatch, Tensor> loss,
        IReadOnlyList<ChatEncoding> train, int steps, int batch, int context, double learningRate, string label,
        EvalSet? validation = null, int? evalEvery = null, Action<EvalMetrics>? onEval = null,
        (int[] Tokens, double Fraction)? replay = null)
    {
        var options = new TrainerOptions(Steps: steps, Batch: batch, Context: context, LearningRate: learningRate, GradClip: 1.0,
            EvalEvery: evalEvery ?? steps + 1, LogEvery: 1_000_000);
        int seed = Seeding.DeriveSeed(ctx.Seed, "sft-batches");
        IBatchProvider batches = replay is { Fraction: > 0 } r
            ? new ReplayMixBatches(train, r.Tokens, batch, context, r.Fraction, SftBatchLayout.Pack, seed)
            : new SftBatches(train, batch, context, SftBatchLayout.Pack, seed);
        using var bar = ctx.Progress.Begin(label, steps);
        var result = new Trainer(model, loss, options).Run(batches, validation, onStep: _ => bar.Increment(), onEval: onEval);
        model.eval();
        return result;
    }

    public void Dispose()
    {
        Grown.Dispose();
        if (Loaded is not null) Loaded.Dispose();
        else Base.Dispose();
    }
}
