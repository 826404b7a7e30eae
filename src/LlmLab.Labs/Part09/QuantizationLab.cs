using System.Globalization;
using LlmLab.Inference.Quantization;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Labs.Part09;

/// <summary>
/// Lab 9.3 — quantization and evaluation. Trains one GPT on the corpus, then quantizes a fresh copy of it per format
/// (<see cref="ModelQuantizer"/>: int8 per channel, int4 symmetric/asymmetric in groups, llama.cpp's Q8_0 and Q4_0) and
/// measures validation perplexity on the same windows, model size, bits per weight, relative weight error and
/// generation speed; writes the Q8_0/Q4_0 weights to real files (<see cref="QuantizedCheckpoint"/>) and reads them back;
/// and times a dequantize-then-matmul at the model's layer shapes against the fp32 matmul.
/// </summary>
public sealed partial class QuantizationLab : Lab<QuantizationConfig>
{
    protected override string Id => "9.3";

    public override QuantizationConfig Defaults(Profile profile) => QuantizationConfig.For(profile);

    protected override void Validate(QuantizationConfig cfg)
    {
        ConfigRules.AtLeast("corpus_bytes", cfg.CorpusBytes, 1024);
        ConfigRules.AtLeast("validation_bytes", cfg.ValidationBytes, 256);
        LabCorpus.Validate(cfg.Tokenizer, cfg.BpeVocab);
        foreach (var (key, value) in new (string, int)[] { ("context", cfg.Context), ("batch", cfg.Batch),
                     ("eval_batches", cfg.EvalBatches), ("layers", cfg.Layers),
                     ("heads", cfg.Heads), ("steps", cfg.Steps), ("generate_tokens", cfg.GenerateTokens),
                         ("bench_repeats", cfg.BenchRepeats) })
            ConfigRules.AtLeast(key, value, 1);
        ConfigRules.AtLeast("width", cfg.Width, 32);
        ConfigRules.DivisibleBy("width", cfg.Width, "the ggml block", 32);
        ConfigRules.DivisibleBy("width", cfg.Width, "heads", cfg.Heads);
        ConfigRules.InRange("lr", cfg.Lr, 1e-6, 1);
        ConfigRules.NotEmpty("groups", cfg.Groups);
        if (!cfg.Groups.Contains(32))
            throw new InputException($"--set groups={string.Join(",", cfg.Groups)}: include 32, the group the 4-bit check is made at");
        foreach (int g in cfg.Groups)
        {
            ConfigRules.AtLeast("groups", g, 2);
            ConfigRules.DivisibleBy("width", cfg.Width, $"every group ({g})", g);
        }
        ConfigRules.InRange("max_int8_increase", cfg.MaxInt8Increase, 0, 10);
        ConfigRules.InRange("max_int4_increase", cfg.MaxInt4Increase, 0, 10);
        if (cfg.GenerateTokens + 8 >= cfg.Context)
            throw new InputException(
                $"--set generate_tokens={cfg.GenerateTokens}: an 8-token prompt and generate_tokens must fit " +
                $"below context ({cfg.Context})");
    }

    protected override void Plan(LabPlan plan, QuantizationConfig cfg)
    {
        plan.CorpusBytes("corpus_bytes", cfg.CorpusBytes);
        long val = plan.CorpusBytes("validation_bytes", cfg.ValidationBytes, validation: true);
        // A token is at least one byte (a character, or a BPE merge of bytes): fewer bytes than the evaluation window and the
        // 8-token prompt need cannot give the tokens either (LabCorpus.Prompts, EvalSet.FromTokens).
        LabPlan.Require(val > cfg.Context + 8,
            $"--set validation_bytes={cfg.ValidationBytes}: the corpus's validation split gives {val:N0} bytes, fewer than one " +
            $"window of context ({cfg.Context}) and an 8-token prompt");
    }

    public override void Run(LabContext ctx, QuantizationConfig cfg)
    {
        TorchRuntime.EnsureLoaded(ctx.Threads);
        var data = LabCorpus.Load(ctx, cfg.CorpusBytes, cfg.ValidationBytes, cfg.Tokenizer, cfg.BpeVocab);
        var plan = new LabGptPlan("model", cfg.Layers, cfg.Width, cfg.Heads, cfg.Steps, cfg.Lr);
        var (model, training) = LabGptTrainer.Train(ctx, data, plan, cfg.Context, cfg.Batch, cfg.EvalBatches);
        using (model)
        {
            using var eval = EvalSet.FromTokens(data.Validation, cfg.Context, cfg.Batch, cfg.EvalBatches);
            int[] prompt = data.Prompts(1, 8)[0];
            ctx.Report.Paragraph($"Corpus `{ctx.Corpus.Name}`, {data}. One GPT ({cfg.Layers} layers × {cfg.Width}, {cfg.Heads} heads, " +
                $"{N(model.ParameterCount)} parameters) trained by `LlmLab.Training.Trainer` for {N(training.StepsDone)} steps of " +
                $"{cfg.Batch} × {cfg.Context} tokens ({F(training.Seconds, "0.0")} s; validation loss " +
                $"{F(training.Initial!.Loss, "0.000")} → {F(training.Final!.Loss, "0.000")} nats per token). Each format below " +
                $"quantizes a fresh copy of it with `ModelQuantizer.Apply` (round-to-nearest, weight-only: the Linear weights of the " +
                $"blocks; embeddings, norms and biases stay fp32) and scores it on the same {eval.Batches.Count} × {cfg.Batch} " +
                $"validation windows of {cfg.Context} tokens ({N(eval.Targets)} predictions).");
            var runs = Formats(ctx, cfg, model, data, eval, prompt);
            var files = Checkpoints(ctx, model, runs);
            var bench = Benchmark(ctx, cfg, model);
            Summarise(ctx, cfg, runs, files, bench);
        }
    }

    static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);
    static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
