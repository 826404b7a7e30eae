using LlmLab.Labs.Framework;
using LlmLab.Nn.Attention;
using LlmLab.Nn.Gpt;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Labs.Part04;

public sealed partial class MinimalTransformerLab
{
    /// <summary>One trained model of the comparison: what it is, how it trained, what it writes.</summary>
    internal sealed record ModelRun(string Level, string Model, long Parameters, TrainingResult Training, string Sample,
        MinimalTransformerData Data)
    {
        public string Name => $"{Model}, {Level}";
        public double InitialBpc => Data.BitsPerChar(Training.Initial!.Loss);
        public double FinalBpc => Data.BitsPerChar(Training.Final!.Loss);
        public double CharsPerSecond => Training.TokensPerSecond * Data.CharsPerToken;
    }

    /// <summary>The Trainer's settings, the same for both models but for the learning rate and the stopping rule.</summary>
    static TrainerOptions Options(MinimalTransformerConfig cfg, double lr, int steps, double? seconds) => new(
        Steps: steps, Batch: cfg.Batch, Context: cfg.Context, LearningRate: lr, GradClip: 1.0, WeightDecay: 0,
        EvalEvery: cfg.EvalEvery, EvalBatches: cfg.EvalBatches, LogEvery: 1_000_000, TimeBudgetSeconds: seconds);

    internal static GptConfig GptShape(MinimalTransformerConfig cfg, int vocab) => new()
    {
        VocabSize = vocab, Context = cfg.Context, Width = cfg.Width, Layers = cfg.Layers, Heads = cfg.Heads, Dropout = cfg.Dropout,
        PositionEmbedding = cfg.PositionEmbedding == "rope" ? PositionEmbeddingKind.Rope : PositionEmbeddingKind.Learned,
        Attention = Enum.Parse<AttentionKernel>(cfg.Attention, ignoreCase: true),
    };

    /// <summary>
    /// Trains the GPT with Part 3's <see cref="Trainer"/> on random windows of the training tokens (the same seeded stream
    /// of batches that <see cref="RecurrentLmTraining"/> draws for the LSTM), evaluating on fixed validation windows.
    /// The caller owns the returned model.
    /// </summary>
    static (GptModel Model, TrainingResult Result) TrainGpt(LabContext ctx, MinimalTransformerConfig cfg, MinimalTransformerData data)
    {
        Seeding.SeedTorch(Seeding.DeriveSeed(ctx.Seed, "gpt-init"));
        var model = new GptModel(GptShape(cfg, data.Vocab));
        try
        {
            var options = Options(cfg, cfg.GptLr, cfg.Steps, seconds: null);
            using var eval = EvalSet.FromTokens(data.Validation, cfg.Context, cfg.Batch, cfg.EvalBatches);
            var batches = new TokenWindowBatches(data.Train, cfg.Batch, cfg.Context, Seeding.DeriveSeed(ctx.Seed, "recurrent-lm-batches"));
            using var bar = ctx.Progress.Begin($"4.1 GPT ({data.Level})", cfg.Steps);
            var result = new Trainer(model, LanguageModelLoss.For(model), options)
                .Run(batches, eval, onStep: _ => bar.Increment(), onEval: e => LogEval(ctx, data, "gpt", e));
            return (model, result);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Part 3's LSTM language model with the hidden size that matches <paramref name="parameters"/>, trained by
    /// Part 3's <see cref="RecurrentLmTraining"/> on the same batches for <paramref name="seconds"/> of training (the
    /// GPT's time). The caller owns the outcome.</summary>
    static RecurrentLmOutcome TrainLstm(LabContext ctx, MinimalTransformerConfig cfg, MinimalTransformerData data, long parameters,
        double seconds)
    {
        var shape = new RecurrentLmConfig(RecurrentKind.Lstm, data.Vocab, cfg.LstmEmbed, Hidden: 1, cfg.LstmLayers, cfg.Dropout)
            .WithParameters(parameters);
        using var bar = ctx.Progress.Begin($"4.1 LSTM ({data.Level}, {seconds:0.#} s)", cfg.LstmMaxSteps);
        return RecurrentLmTraining.Train(shape, data.Train, data.Validation, Options(cfg, cfg.LstmLr, cfg.LstmMaxSteps, seconds), ctx.Seed,
            onStep: _ => bar.Increment(), onEval: e => LogEval(ctx, data, "lstm", e));
    }

    static void LogEval(LabContext ctx, MinimalTransformerData data, string model, EvalMetrics e) =>
        ctx.Metrics.Log(new { level = data.Level, model, step = e.Step, seconds = e.Seconds, tokens = e.Tokens, val_loss = e.Loss,
        val_bpc = data.BitsPerChar(e.Loss) });

    /// <summary>The prompt's tokens: the sample starts from it (characters it cannot encode fall back to the first training
    /// token).</summary>
    static int[] Prompt(MinimalTransformerData data, string prompt)
    {
        int[] ids = data.Tokenizer.Encode(prompt);
        return ids.Length > 0 ? ids : [data.Train[0]];
    }
}
