using System.Globalization;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Labs.Part04;

/// <summary>
/// Lab 4.1 — a minimal Transformer from scratch. Trains the library's GPT (<see cref="GptModel"/>: nanoGPT's model
/// in C#) on the corpus at character level and with byte-level BPE, each beside Part 3's LSTM language model with the
/// same parameter count, the same training time and the same batches; compares validation bits per character, speed
/// and samples, and checks that the GPT starts at ln V, learns, and decodes the same tokens with and without its KV cache.
/// </summary>
public sealed partial class MinimalTransformerLab : Lab<MinimalTransformerConfig>
{
    /// <summary>Where samples start: a sentence opening the API documentation corpus has many of (Part 3 uses it too).</summary>
    const string SamplePrompt = "Gets the ";

    protected override string Id => "4.1";

    public override MinimalTransformerConfig Defaults(Profile profile) => MinimalTransformerConfig.For(profile);

    protected override void Validate(MinimalTransformerConfig cfg)
    {
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        ConfigRules.InRange("bpe_vocab", cfg.BpeVocab, 257, 1_000_000);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("batch", cfg.Batch), ("layers", cfg.Layers),
                     ("heads", cfg.Heads),
                     ("width", cfg.Width), ("lstm_layers", cfg.LstmLayers), ("lstm_embed", cfg.LstmEmbed), ("steps", cfg.Steps),
                     ("lstm_max_steps", cfg.LstmMaxSteps), ("eval_every", cfg.EvalEvery), ("eval_batches", cfg.EvalBatches),
                         ("sample_tokens", cfg.SampleTokens), ("cache_check_tokens", cfg.CacheCheckTokens) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.DivisibleBy("width", cfg.Width, "heads", cfg.Heads);
        ConfigRules.InRange("dropout", cfg.Dropout, 0, 0.9);
        ConfigRules.InRange("gpt_lr", cfg.GptLr, 1e-6, 1);
        ConfigRules.InRange("lstm_lr", cfg.LstmLr, 1e-6, 1);
        ConfigRules.InRange("temperature", cfg.Temperature, 0.01, 10);
        ConfigRules.InRange("max_bpc_vs_unigram", cfg.MaxBpcVsUnigram, 0.01, 10);
        if (cfg.PositionEmbedding is not ("learned" or "rope"))
            throw new InputException($"--set position_embedding={cfg.PositionEmbedding}: expected learned or rope");
        if (cfg.Attention is not ("naive" or "tiled" or "sdpa"))
            throw new InputException($"--set attention={cfg.Attention}: expected naive, tiled or sdpa");
        if (cfg.PositionEmbedding == "rope" && cfg.Width / cfg.Heads % 2 != 0)
            throw new InputException($"--set position_embedding=rope needs an even head size (width / heads = {cfg.Width / cfg.Heads})");
    }

    protected override void Plan(LabPlan plan, MinimalTransformerConfig cfg)
    {
        plan.CorpusBytes("corpus_bytes", cfg.CorpusBytes);
        plan.CorpusBytes("validation_bytes", cfg.ValidationBytes, validation: true);
    }

    public override void Run(LabContext ctx, MinimalTransformerConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        string train = CorpusText.Load(ctx.Corpus, cfg.CorpusBytes);
        string validation = CorpusText.Load(ctx.Corpus, cfg.ValidationBytes, validation: true);
        var levels = MinimalTransformerData.Build(train, validation, cfg.BpeVocab);
        Introduce(ctx, cfg, levels);
        var runs = new List<ModelRun>();
        foreach (var data in levels) runs.AddRange(Compare(ctx, cfg, data));
        Summarise(ctx, cfg, levels, runs);
    }

    /// <summary>The GPT and the LSTM on one tokenization, with the GPT's checks.</summary>
    List<ModelRun> Compare(LabContext ctx, MinimalTransformerConfig cfg, MinimalTransformerData data)
    {
        string level = data.Level;
        var runs = new List<ModelRun>();
        var (gpt, gptResult) = TrainGpt(ctx, cfg, data);
        using (gpt)
        {
            long gptParameters = gpt.ParameterCount;
            ctx.Checks.BruteForce("Σ numel of the built model's tensors")
                .Equal($"GPT ({level}): parameters by formula (GptSizing) = the built model's", GptSizing.ParameterCount(gpt.Config),
                    gptParameters);
            // GPT-2's initialisation makes every logit ≈ 0, so the first prediction is near-uniform: loss ≈ ln V.
            ctx.Checks.Formula("uniform prediction at initialisation: ln V")
                .Close($"GPT ({level}): initial validation loss ≈ ln V = ln {data.Vocab}", gptResult.Initial!.Loss, Math.Log(data.Vocab),
                    0.05, unit: "nats");
            ctx.Checks.Formula("unigram model of the training tokens, on the validation text")
                .AtMost($"GPT ({level}): final validation bits/char ≤ {F(cfg.MaxBpcVsUnigram)} × the unigram entropy " +
                    $"({F(data.UnigramBitsPerChar, "0.000")})",
                data.BitsPerChar(gptResult.Final!.Loss), cfg.MaxBpcVsUnigram * data.UnigramBitsPerChar, "bits/char");

            int[] prompt = Prompt(data, SamplePrompt);
            var cached = GptGenerator.Generate(gpt, prompt, cfg.CacheCheckTokens, GptSamplingOptions.Greedy);
            var uncached = GptGenerator.Generate(gpt, prompt, cfg.CacheCheckTokens, GptSamplingOptions.Greedy with { UseKvCache = false });
            int same = cached.Zip(uncached).TakeWhile(p => p.First == p.Second).Count();
            ctx.Checks.SelfConsistency("the same model re-run on the whole sequence")
                .True($"GPT ({level}): greedy decoding with the KV cache = re-running the whole sequence ({cfg.CacheCheckTokens} tokens)",
                cached.SequenceEqual(uncached), $"{same} of {cfg.CacheCheckTokens} tokens equal");

            int sampleSeed = Seeding.DeriveSeed(ctx.Seed, "sample");
            var gptSample = GptGenerator.Generate(gpt, prompt, cfg.SampleTokens, new GptSamplingOptions(cfg.Temperature, Seed: sampleSeed));
            runs.Add(new ModelRun(level, "GPT", gptParameters, gptResult, data.Tokenizer.Decode([.. prompt, .. gptSample]), data));

            using var lstm = TrainLstm(ctx, cfg, data, gptParameters, gptResult.Seconds);
            long lstmParameters = lstm.Model.Config.Parameters;
            var lstmSample = RecurrentSampler.Sample(lstm.Model, prompt, cfg.SampleTokens, cfg.Temperature, sampleSeed);
            runs.Add(new ModelRun(level, "LSTM", lstmParameters, lstm.Training, data.Tokenizer.Decode([.. prompt, .. lstmSample]), data));
        }
        return runs;
    }

    static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);
    static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
