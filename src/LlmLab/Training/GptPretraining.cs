using System.Text.Json.Nodes;
using LlmLab.Data;
using LlmLab.Data.Shards;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;

namespace LlmLab.Training;

/// <summary>A trained GPT and how it trained. Owns the model: dispose it.</summary>
public sealed record PretrainingOutcome(GptModel Model, TrainingResult Result) : IDisposable
{
    public void Dispose() => Model.Dispose();
}

/// <summary>
/// GPT pretraining end to end, shared by <c>llmlab train</c> and lab 6: build the model from a seed, draw resumable
/// random windows of the training tokens, evaluate on fixed validation windows, and train with <see cref="Trainer"/>,
/// checkpointing into a directory (with the tokenizer, so a checkpoint alone can generate). Stateless.
/// </summary>
public static class GptPretraining
{
    /// <summary>The file a checkpoint keeps its tokenizer in.</summary>
    public const string TokenizerFile = "tokenizer.bin";

    /// <summary>
    /// Trains <paramref name="config"/>'s model on <paramref name="text"/>. With <paramref name="directory"/>, checkpoints
    /// and metrics.jsonl go there; with <paramref name="resumeFrom"/>, the run continues from that checkpoint. The model
    /// starts from <see cref="PretrainingConfig.Seed"/> (derived per purpose), so two runs of one config are identical.
    /// <paramref name="onStart"/> gets the run directory once every check has passed, before anything is written there.
    /// </summary>
    /// <exception cref="InputException">A tokenizer larger than the model's vocabulary, or a checkpoint that does not fit.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static PretrainingOutcome Train(PretrainingConfig config, PretrainingText text, string? directory = null,
        string? resumeFrom = null,
        Action<StepMetrics>? onStep = null, Action<EvalMetrics>? onEval = null, Action<string>? log = null,
        Action<CheckpointInfo>? onCheckpoint = null, CancellationToken cancellationToken = default, Action<string>? onStart = null,
        Distributed.ShardedDataParallel? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(text);
        config.Validate();
        var o = config.Trainer;
        using var eval = EvalSet.FromTokens(text.Validation, o.Context, o.Batch, o.EvalBatches);
        int world = dataParallel?.WorldSize ?? 1;
        var batches = new TokenWindowBatches(text.Train, o.Batch * world, o.Context, Seeding.DeriveSeed(config.Seed,
            "pretraining-batches"));
        return Run(config, text.Tokenizer, ForRank(batches, dataParallel), eval, directory, resumeFrom, onStep, onEval, log,
            onCheckpoint, onStart,
            cancellationToken, dataParallel);
    }

    /// <summary>
    /// Trains <paramref name="config"/>'s model on the token shards of <paramref name="shardDirectory"/> (Part 5's
    /// format): batches streamed by a <see cref="ShardBatchLoader"/> over the train split (its position saved in every
    /// checkpoint, so a resume continues exactly), evaluation on fixed, evenly spread windows of the val split.
    /// <see cref="PretrainingData.Tokenizer"/> must be the tokenizer the shards were made with (a file, or gpt2); the
    /// shards' manifest is checked against it. Otherwise as the in-memory overload.
    /// </summary>
    /// <exception cref="InputException">Shards made with another tokenizer, a missing or damaged shard, a tokenizer larger than
    /// the model's vocabulary, or a checkpoint that does not fit.</exception>
    public static PretrainingOutcome TrainOnShards(PretrainingConfig config, string shardDirectory, string? directory = null,
        string? resumeFrom = null,
        Action<StepMetrics>? onStep = null, Action<EvalMetrics>? onEval = null, Action<string>? log = null,
        Action<CheckpointInfo>? onCheckpoint = null, CancellationToken cancellationToken = default, Action<string>? onStart = null,
        Distributed.ShardedDataParallel? dataParallel = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(shardDirectory);
        config.Validate();
        if (config.Data.Tokenizer == "bpe")
            throw new InputException("data.tokenizer is \"bpe\" (train a new one) but shards need the tokenizer they were made with: give its file or name");
        var (tokenizer, identity) = TokenizerIdentity.Open(config.Data.Tokenizer);
        var o = config.Trainer;
        using var train = ShardSet.Open(shardDirectory, "train", identity);
        using var val = ShardSet.Open(shardDirectory, "val", identity);
        int world = dataParallel?.WorldSize ?? 1;
        var batches = new ShardBatchLoader(train, o.Batch * world, o.Context, Seeding.DeriveSeed(config.Seed, "pretraining-batches"));
        using var eval = new EvalSet(ShardEvalBatches.Evenly(val, o.Batch, o.Context, o.EvalBatches));
        return Run(config, tokenizer, ForRank(batches, dataParallel), eval, directory, resumeFrom, onStep, onEval, log, onCheckpoint,
            onStart,
            cancellationToken, dataParallel);
    }

    /// <summary>Data parallelism: every rank draws the global batch (B·N rows, one seed) and keeps its B rows.</summary>
    static IResumableBatchProvider ForRank(IResumableBatchProvider global, Distributed.ShardedDataParallel? dp) =>
        dp is null ? global : new Distributed.RankBatches(global, dp.Rank, dp.WorldSize);

    /// <summary>Where rank r of a data-parallel run keeps its checkpoints: <c>DIR/rank-r</c> (each rank's optimizer shard
    /// with the full weights, so rank 0's folder is an ordinary checkpoint to generate from); DIR itself for one process.
    /// A run resumes from DIR at any number of ranks (<see cref="Distributed.ShardedCheckpoint"/>).</summary>
    public static string RankDirectory(string directory, Distributed.ShardedDataParallel? dp) =>
        dp is null ? directory : Path.Combine(directory, "rank-" + dp.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture));

    static PretrainingOutcome Run(PretrainingConfig config, ITokenizer tokenizer, IResumableBatchProvider batches, EvalSet eval,
        string? directory,
        string? resumeFrom, Action<StepMetrics>? onStep, Action<EvalMetrics>? onEval, Action<string>? log,
            Action<CheckpointInfo>? onCheckpoint,
        Action<string>? onStart, CancellationToken cancellationToken, Distributed.ShardedDataParallel? dataParallel)
    {
        if (config.DataVocabSizeGiven && config.Data.Tokenizer != "bpe" && config.Data.VocabSize != tokenizer.VocabSize)
            throw new InputException($"data.vocab_size is {config.Data.VocabSize:N0} but the tokenizer '{config.Data.Tokenizer}' " +
                                     $"has {tokenizer.VocabSize:N0} ids: " +
                                     "data.vocab_size applies to a trained BPE (data.tokenizer \"bpe\"); remove it or make it equal");
        if (tokenizer.VocabSize > config.Model.VocabSize)
            throw new InputException($"the tokenizer has {tokenizer.VocabSize:N0} ids and the model's vocab_size is {config.Model.VocabSize:N0}: set model.vocab_size to at least the tokenizer's");
        var o = config.Trainer;
        var options = o with { FlopsPerToken = o.FlopsPerToken ?? GptSizing.FlopsPerToken(config.Model, o.Context) };
        Seeding.SeedTorch(Seeding.DeriveSeed(config.Seed, "gpt-init"));
        var model = new GptModel(config.Model);
        try
        {
            var checkpoints = directory is null ? null : new CheckpointOptions(RankDirectory(directory, dataParallel),
                config.CheckpointEvery, config.KeepLast)
            {
                Config = config.CheckpointIdentity(),
                WriteExtras = dir => SaveTokenizer(tokenizer, Path.Combine(dir, TokenizerFile)),
                OnSaved = onCheckpoint,
                OnStart = onStart,
            };
            var result = new Trainer(model, LanguageModelLoss.For(model), options) { DataParallel = dataParallel }
                .Run(batches, eval, onStep, onEval, log, cancellationToken, checkpoints, resumeFrom); // any world size (resharded)
            return new PretrainingOutcome(model, result);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The model and tokenizer of a checkpoint (or of the newest checkpoint of a run directory), ready to generate:
    /// the model config from the manifest, the weights from its tensor file, the tokenizer from its copy (or its name).
    /// The caller owns the model.
    /// </summary>
    /// <exception cref="InputException">No checkpoint, a damaged one, or one without a GPT model config.</exception>
    public static (GptModel Model, ITokenizer Tokenizer, CheckpointInfo Checkpoint) Load(string path)
    {
        var ckpt = Checkpoint.Resolve(path);
        if (ckpt.Json["config"]?["model"] is not JsonObject modelJson)
            throw new InputException($"checkpoint '{ckpt.Directory}' has no model config: it was not written by a GPT pretraining run");
        var shape = GptConfig.FromJson(modelJson.ToJsonString(), ckpt.Directory + " (model)");
        string tokenizerPath = Path.Combine(ckpt.Directory, TokenizerFile);
        var tokenizer = File.Exists(tokenizerPath) ? TokenizerFiles.Open(tokenizerPath)
            : TokenizerFiles.Open((string?)ckpt.Json["config"]?["data"]?["tokenizer"] ?? throw new InputException($"checkpoint '{ckpt.Directory}' names no tokenizer"));
        TorchRuntime.EnsureLoaded();
        var model = new GptModel(shape);
        try
        {
            Checkpoint.LoadWeights(ckpt, model);
            return (model, tokenizer, ckpt);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static void SaveTokenizer(ITokenizer tokenizer, string path)
    {
        switch (tokenizer)
        {
            case BpeTokenizer b: b.Save(path); break;
            case CharTokenizer c: c.Save(path); break;
        }
    }
}
