using System.Diagnostics;
using LlmLab.Inference;
using LlmLab.Inference.Quantization;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Labs.Part09;

public sealed partial class QuantizationLab
{
    /// <summary>One format applied to a copy of the model, and what it measured.</summary>
    internal sealed record FormatRun(string Label, QuantizationSummary Summary, double Loss, double TokensPerSecond)
    {
        public QuantFormat Format => Summary.Format;
        public int Group => Summary.Group;
        public double Perplexity => Math.Exp(Loss);
    }

    /// <summary>A checkpoint file written in one format and read back.</summary>
    internal sealed record CheckpointFile(QuantFormat Format, string Name, long FileBytes, long ModelBytes, double MaxDifference);

    /// <summary>The formats of the lab, in the order of the report: the reference, 8-bit, then 4-bit.</summary>
    static IEnumerable<(string Label, QuantFormat Format, int Group)> FormatPlan(QuantizationConfig cfg) =>
        new[] { ("F32", QuantFormat.F32, 0), ("int8 per channel", QuantFormat.Int8PerChannel, 0), ("Q8_0", QuantFormat.Q8_0, 32) }
            .Concat(cfg.Groups.Distinct().Order().Select(g => ($"int4 symmetric, g{g}", QuantFormat.Int4Symmetric, g)))
            .Concat(cfg.Groups.Distinct().Order().Select(g => ($"int4 asymmetric, g{g}", QuantFormat.Int4Asymmetric, g)))
            .Append(("Q4_0", QuantFormat.Q4_0, 32));

    static List<FormatRun> Formats(LabContext ctx, QuantizationConfig cfg, GptModel model, LabCorpus data, EvalSet eval, int[] prompt)
    {
        var plan = FormatPlan(cfg).ToList();
        var runs = new List<FormatRun>();
        using var bar = ctx.Progress.Begin("9.3 formats", plan.Count);
        foreach (var (label, format, group) in plan)
        {
            using var copy = LabGptTrainer.Copy(model);
            var summary = ModelQuantizer.Apply(copy, format, Math.Max(group, 1));
            double loss = LabGptTrainer.ValidationLoss(copy, eval, cfg.Context);
            // Generation speed: the quantizer wrote dequantized fp32 weights back, so this is the fp32 kernel's speed.
            var engine = new GenerationEngine(copy, data.Tokenizer);
            engine.Generate(prompt, SamplingParams.Greedy(4));                                  // warm-up
            long start = Stopwatch.GetTimestamp();
            var result = engine.Generate(prompt, SamplingParams.Greedy(cfg.GenerateTokens));
            double tps = result.Tokens.Count / Stopwatch.GetElapsedTime(start).TotalSeconds;
            var run = new FormatRun(label, summary, loss, tps);
            runs.Add(run);
            ctx.Metrics.Log(new
            {
                format = label, bits_per_weight = summary.BitsPerWeight, model_bytes = summary.ModelBytes,
                    relative_error = summary.RelativeError,
                val_loss = loss, perplexity = run.Perplexity, tokens_per_second = tps,
            });
            bar.Increment();
        }
        return runs;
    }

    /// <summary>
    /// Writes the model in F32, Q8_0 and Q4_0 with <see cref="QuantizedCheckpoint"/> to the run directory, reads each file
    /// back into a fresh copy, and compares its weights with the copy <see cref="ModelQuantizer"/> quantized in memory.
    /// </summary>
    static List<CheckpointFile> Checkpoints(LabContext ctx, GptModel model, IReadOnlyList<FormatRun> runs)
    {
        var files = new List<CheckpointFile>();
        foreach (var format in new[] { QuantFormat.F32, QuantFormat.Q8_0, QuantFormat.Q4_0 })
        {
            string name = $"model-{format.ToString().ToLowerInvariant()}.llqw", path = Path.Combine(ctx.Directory, name);
            long bytes = QuantizedCheckpoint.FromModel(model, format).Save(path);
            using var fromFile = LabGptTrainer.Copy(model);
            QuantizedCheckpoint.Load(path).CopyInto(fromFile);
            using var inMemory = LabGptTrainer.Copy(model);
            ModelQuantizer.Apply(inMemory, format);
            double max = 0;
            using (no_grad())
            {
                var expected = inMemory.state_dict();
                foreach (var (key, p) in fromFile.state_dict())
                {
                    using var scope = NewDisposeScope();
                    max = Math.Max(max, (p - expected[key]).abs().max().item<float>());
                }
            }
            files.Add(new CheckpointFile(format, name, bytes, runs.First(r => r.Format == format).Summary.ModelBytes, max));
        }
        return files;
    }
}
