using System.Globalization;
using System.Text;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part03;

/// <summary>
/// Lab 3.2 — a subword language model: byte-level BPE tokenizers (Sennrich et al. 2016; GPT-2's byte-level variant)
/// of several vocabulary sizes trained on the training split, an LSTM language model on each one's tokens, and the
/// character LSTM of lab 3.1, all at the same parameter count and the same training time, compared in bits per byte
/// of the whole validation text (the only unit fair across tokenizations). Reports each tokenizer's statistics.
/// </summary>
public sealed partial class SubwordLmLab : Lab<SubwordLmLabConfig>
{
    protected override string Id => "3.2";

    public override SubwordLmLabConfig Defaults(Profile profile) => SubwordLmLabConfig.For(profile);

    protected override void Validate(SubwordLmLabConfig cfg)
    {
        ConfigRules.AtLeast("train_bytes", cfg.TrainBytes, 4096);
        ConfigRules.AtLeast("val_bytes", cfg.ValBytes, 256);
        ConfigRules.NotEmpty("vocab_sizes", cfg.VocabSizes);
        foreach (int v in cfg.VocabSizes) ConfigRules.InRange("vocab_sizes", v, 257, 1_000_000);
        SplitPatterns.FromName(cfg.Pattern);
        foreach (var (key, value) in new (string, int)[] { ("embed", cfg.Embed), ("layers", cfg.Layers), ("batch", cfg.Batch),
                     ("context", cfg.Context),
                     ("max_steps", cfg.MaxSteps), ("eval_every", cfg.EvalEvery), ("eval_batches", cfg.EvalBatches),
                     ("log_every", cfg.LogEvery), ("longest_tokens", cfg.LongestTokens) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.AtLeast("parameters", cfg.Parameters, 1000);
        ConfigRules.InRange("dropout", cfg.Dropout, 0, 0.9);
        ConfigRules.InRange("learning_rate", cfg.LearningRate, 1e-6, 1);
        ConfigRules.InRange("grad_clip", cfg.GradClip, 0, 1e6);
        if (cfg.SecondsPerModel is { } cap) ConfigRules.InRange("seconds_per_model", cap, 0.01, 1e6);
        ConfigRules.InRange("min_steps", cfg.MinSteps, 0, cfg.MaxSteps);
        // The largest vocabulary's embedding and head must fit the budget with at least one hidden unit.
        int largest = cfg.VocabSizes.Max();
        var smallest = new RecurrentLmConfig(RecurrentKind.Lstm, largest, cfg.Embed, 1, cfg.Layers);
        if (smallest.Parameters > cfg.Parameters)
            throw new InputException(
                $"--set parameters={cfg.Parameters}: a vocabulary of {largest:N0} with embed={cfg.Embed} needs {smallest.Parameters:N0} " +
                "parameters before any LSTM unit; raise parameters, lower embed, or drop the largest vocab_sizes");
    }

    /// <summary>One tokenization of the text and its model's results.</summary>
    internal sealed record Entry(string Name, bool IsBpe, int Vocab, TokenizationStats Val, bool RoundTrip, IReadOnlyList<string> Longest,
        RecurrentLmConfig Config, TrainingResult Training, TextScore Score, long ScoredBytes, IReadOnlyList<string> Log)
    {
        /// <summary>Bits per byte of the whole validation text.</summary>
        public double BitsPerByte => Score.BitsPerByte(ScoredBytes);

        /// <summary>The unigram baseline of this tokenization, bits per byte.</summary>
        public double UnigramBitsPerByte => Val.UnigramBitsPerByte;
    }

    protected override void Plan(LabPlan plan, SubwordLmLabConfig cfg)
    {
        plan.CorpusBytes("train_bytes", cfg.TrainBytes);
        plan.CorpusBytes("val_bytes", cfg.ValBytes, validation: true);
    }

    public override void Run(LabContext ctx, SubwordLmLabConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        string train = CorpusText.Load(ctx.Corpus, cfg.TrainBytes);
        string val = CorpusText.Load(ctx.Corpus, cfg.ValBytes, validation: true);
        long valBytes = Encoding.UTF8.GetByteCount(val);
        ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`: {Encoding.UTF8.GetByteCount(train):N0} training bytes, {valBytes:N0} " +
            $"validation bytes (held-out documents). Every model is an LSTM language model with embedding {cfg.Embed} and {cfg.Layers} " +
            $"layer(s), its hidden size chosen so that its total parameter count is as close as possible to {cfg.Parameters:N0}; each " +
            $"trains for {cfg.MaxSteps:N0} steps" +
            (cfg.SecondsPerModel is { } cap ? $" or {F(cap, "0.#")} s, whichever comes first (at least {cfg.MinSteps:N0} steps)," : "")
            + $" on batches of {cfg.Batch} × {cfg.Context} tokens with the same seed and learning rate " +
            $"{F(cfg.LearningRate, "0.0e+00")}. Bits per byte = total nats over the validation text / ln 2 / its UTF-8 bytes, every " +
            "token read in 16 contiguous streams that carry their state.");

        // 1. The character model, as in lab 3.1 (characters unseen in training map to <unk>).
        var chars = CharTokenizer.Build([train], UnknownCharPolicy.Unk);
        int firstCharBytes = Rune.GetRuneAt(val, 0).Utf8SequenceLength;
        var entries = new List<Entry> { Measure(ctx, cfg, "char", chars, train, val, _ => firstCharBytes, []) };

        // 2. A BPE tokenizer per vocabulary size, trained on the training split, then its model.
        foreach (int v in cfg.VocabSizes.Distinct().Order())
        {
            var bpe = BpeTrainer.Train([train], new BpeTrainingOptions(v, SplitPatterns.FromName(cfg.Pattern), Name: $"bpe-{v}"));
            var longest = Enumerable.Range(0, bpe.VocabSize).Where(bpe.HasToken).Select(id => bpe.TokenBytes(id))
                .OrderByDescending(b => b.Length).ThenBy(b => Convert.ToHexString(b), StringComparer.Ordinal).Take(cfg.LongestTokens)
                .Select(Show).ToList();
            entries.Add(Measure(ctx, cfg, $"bpe-{v}", bpe, train, val, ids => bpe.TokenBytes(ids[0]).Length, longest));
        }

        Tokenizers(ctx, entries);
        Models(ctx, cfg, entries);
    }

    /// <summary>Encodes, checks the round trip, trains the model and scores the validation text.</summary>
    static Entry Measure(LabContext ctx, SubwordLmLabConfig cfg, string name, ITokenizer tokenizer, string train, string val,
        Func<int[], int> firstTokenBytes, IReadOnlyList<string> longest)
    {
        var text = PretrainingText.Encode(tokenizer, train, val);
        int[] trainIds = text.Train, valIds = text.Validation;
        var stats = TokenizationStats.Of(val, valIds, tokenizer.VocabSize, trainIds);
        bool roundTrip = tokenizer.Decode(valIds) == val;
        var config = new RecurrentLmConfig(RecurrentKind.Lstm, tokenizer.VocabSize, cfg.Embed, 1, cfg.Layers, cfg.Dropout)
            .WithParameters(cfg.Parameters);
        var options = new TrainerOptions(cfg.MaxSteps, cfg.Batch, cfg.Context, cfg.LearningRate, cfg.GradClip, EvalEvery: cfg.EvalEvery,
            EvalBatches: cfg.EvalBatches, LogEvery: cfg.LogEvery, TimeBudgetSeconds: cfg.SecondsPerModel,
            MinSteps: cfg.SecondsPerModel is null ? 0 : cfg.MinSteps);
        var log = new List<string>();
        using var bar = ctx.Progress.Begin($"3.2 {name} ({config.Parameters:N0} parameters, {cfg.MaxSteps:N0} steps)", cfg.MaxSteps);
        using var outcome = RecurrentLmTraining.Train(config, trainIds, valIds, options, ctx.Seed,
            onStep: m =>
            {
                bar.Increment(1);
                ctx.Metrics.Log(new { model = name, m.Step, m.Loss, m.LearningRate, m.GradNorm, m.Milliseconds, m.TokensPerSecond,
                    m.Seconds });
            },
            onEval: e => ctx.Metrics.Log(new { model = name, eval_step = e.Step, val_loss = e.Loss,
                val_bits_per_byte = e.Bits / stats.BytesPerToken, e.Seconds }),
            log: log.Add);
        if (outcome.Training.StepsDone > 0
            && (log.Count == 0 || !log[^1].StartsWith($"step {outcome.Training.StepsDone} ", StringComparison.Ordinal)))
            log.Add(outcome.Training.Steps[^1].ToLogLine());
        long scoredBytes = stats.Bytes - firstTokenBytes(valIds); // the first token is context, not scored
        var entry = new Entry(name, tokenizer is BpeTokenizer, tokenizer.VocabSize, stats, roundTrip, longest, config, outcome.Training,
            outcome.Validation, scoredBytes, log);
        ctx.Metrics.Log(new { model = name, vocab = tokenizer.VocabSize, parameters = config.Parameters, hidden = config.Hidden,
            steps = outcome.Training.StepsDone,
            bits_per_byte = entry.BitsPerByte, unigram_bits_per_byte = stats.UnigramBitsPerByte, bytes_per_token = stats.BytesPerToken,
            vocab_usage = stats.Usage, tokens_per_second = outcome.Training.TokensPerSecond });
        return entry;
    }

    /// <summary>A token's bytes as readable text: UTF-8 where valid, with whitespace and other bytes escaped.</summary>
    internal static string Show(byte[] bytes)
    {
        var sb = new StringBuilder("\"");
        string text = Encoding.UTF8.GetString(bytes);
        bool valid = Encoding.UTF8.GetByteCount(text) == bytes.Length && !text.Contains('\uFFFD');
        if (!valid) return "0x" + Convert.ToHexString(bytes);
        foreach (char c in text)
            sb.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", ' ' => "·", '"' => "\\\"", '|' => "\\|", _ => c.ToString() });
        return sb.Append('"').ToString();
    }

    static string F(double v, string format = "0.000") => v.ToString(format, CultureInfo.InvariantCulture);
}
