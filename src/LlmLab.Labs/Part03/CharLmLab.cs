using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part03;

/// <summary>
/// Lab 3.1 — a character-level language model (char-rnn, Karpathy 2015): vanilla RNN, GRU and LSTM language models of
/// equal parameter count trained on the same characters with the same batches, compared in bits per character against
/// the unigram entropy of the validation text; their validation curves, samples at three temperatures, throughput;
/// and the from-scratch LSTM cell checked against libtorch's nn.LSTM, forward and backward.
/// </summary>
public sealed partial class CharLmLab : Lab<CharLmLabConfig>
{
    protected override string Id => "3.1";

    /// <summary>"Well below" the unigram entropy: at least this many nats per character under it. A model that learned
    /// only character frequencies sits at the unigram entropy; even the smoke run's 40 steps learn common bigrams, worth
    /// more than this.</summary>
    internal const double UnigramMarginNats = 0.25;

    public override CharLmLabConfig Defaults(Profile profile) => CharLmLabConfig.For(profile);

    protected override void Validate(CharLmLabConfig cfg)
    {
        ConfigRules.AtLeast("train_bytes", cfg.TrainBytes, 1024);
        ConfigRules.AtLeast("val_bytes", cfg.ValBytes, 256);
        ConfigRules.NotEmpty("models", cfg.Models);
        foreach (string m in cfg.Models) RecurrentKinds.Parse(m, "--set models");
        if (cfg.Models.Distinct(StringComparer.OrdinalIgnoreCase).Count() != cfg.Models.Count)
            throw new InputException("--set models: each model may be given once");
        foreach (var (key, value) in new (string, int)[] { ("embed", cfg.Embed), ("lstm_hidden", cfg.LstmHidden), ("layers", cfg.Layers),
                     ("steps", cfg.Steps),
                     ("batch", cfg.Batch), ("context", cfg.Context), ("eval_every", cfg.EvalEvery), ("eval_batches", cfg.EvalBatches),
                     ("log_every", cfg.LogEvery), ("sample_chars", cfg.SampleChars) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.InRange("dropout", cfg.Dropout, 0, 0.9);
        ConfigRules.InRange("learning_rate", cfg.LearningRate, 1e-6, 1);
        ConfigRules.InRange("grad_clip", cfg.GradClip, 0, 1e6);
        if (cfg.TimeBudgetSeconds is { } t) ConfigRules.InRange("time_budget_seconds", t, 0.01, 1e6);
        ConfigRules.NotEmpty("temperatures", cfg.Temperatures);
        foreach (double temp in cfg.Temperatures) ConfigRules.InRange("temperatures", temp, 0.01, 10);
        if (string.IsNullOrEmpty(cfg.Prompt))
            throw new InputException("--set prompt: give at least one character to start the samples from");
    }

    /// <summary>One trained model and what the lab measured of it.</summary>
    internal sealed record ModelRun(string Name, RecurrentLmConfig Config, TrainingResult Training, TextScore Score,
        IReadOnlyList<string> Log,
        IReadOnlyList<(double Temperature, string Text)> Samples);

    protected override void Plan(LabPlan plan, CharLmLabConfig cfg)
    {
        plan.CorpusBytes("train_bytes", cfg.TrainBytes);
        plan.CorpusBytes("val_bytes", cfg.ValBytes, validation: true);
    }

    public override void Run(LabContext ctx, CharLmLabConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        // 1. The characters: vocabulary from the training text; characters it lacks map to <unk>.
        string train = CorpusText.Load(ctx.Corpus, cfg.TrainBytes);
        string val = CorpusText.Load(ctx.Corpus, cfg.ValBytes, validation: true);
        var tokenizer = CharTokenizer.Build([train], UnknownCharPolicy.Unk);
        var text = PretrainingText.Encode(tokenizer, train, val);
        int[] trainIds = text.Train, valIds = text.Validation;
        int vocab = tokenizer.VocabSize;
        double unigram = UnigramEntropy.CrossNats(trainIds, valIds, vocab); // the baseline labs 3.2, 4.1 and 6 use
        int unknown = valIds.Count(id => id == tokenizer.UnknownId);
        ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`: {trainIds.Length:N0} training characters, {valIds.Length:N0} validation " +
            $"characters (held-out documents). Vocabulary: the {vocab - 1} distinct characters of the training text " +
            $"plus <unk> (V = {vocab}; {unknown:N0} validation characters are unknown). A uniform guess costs " +
            $"ln V = {F(Math.Log(vocab), "0.000")} nats ({F(Math.Log2(vocab), "0.00")} bits) per character; the unigram entropy of the " +
            $"validation characters — the best a model without context can do on them — is {F(unigram, "0.000")} " +
            $"nats = {F(unigram / Math.Log(2), "0.000")} bits per character.");

        // 2. The models, at the LSTM's parameter count; 3. training, scoring, sampling.
        var lstm = new RecurrentLmConfig(RecurrentKind.Lstm, vocab, cfg.Embed, cfg.LstmHidden, cfg.Layers, cfg.Dropout);
        var runs = new List<ModelRun>();
        foreach (string name in cfg.Models)
        {
            var kind = RecurrentKinds.Parse(name);
            var config = kind.GateBlocks() == 4 ? lstm with { Kind = kind } : (lstm with { Kind = kind }).WithParameters(lstm.Parameters);
            runs.Add(TrainOne(ctx, cfg, kind.Name(), config, trainIds, valIds, tokenizer));
        }

        Results(ctx, cfg, runs, vocab, unigram, lstm.Parameters);
        Curves(ctx, runs, unigram, vocab);
        Samples(ctx, cfg, runs);
        Parity(ctx);
    }

    static string F(double v, string format = "0.000") => v.ToString(format, CultureInfo.InvariantCulture);
}
