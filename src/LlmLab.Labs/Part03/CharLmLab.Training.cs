using LlmLab.Labs.Framework;
using LlmLab.Nn.Recurrent;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part03;

public sealed partial class CharLmLab
{
    /// <summary>Trains one model (same seed for every model: same batches, and the same weights where shapes agree),
    /// scores the validation text, draws the samples, and checks that sampling is reproducible.</summary>
    static ModelRun TrainOne(LabContext ctx, CharLmLabConfig cfg, string name, RecurrentLmConfig config, int[] train, int[] val,
        CharTokenizer tokenizer)
    {
        var options = new TrainerOptions(cfg.Steps, cfg.Batch, cfg.Context, cfg.LearningRate, cfg.GradClip, EvalEvery: cfg.EvalEvery,
            EvalBatches: cfg.EvalBatches, LogEvery: cfg.LogEvery, TimeBudgetSeconds: cfg.TimeBudgetSeconds);
        var log = new List<string>();
        using var bar = ctx.Progress.Begin($"3.1 {name} ({config.Parameters:N0} parameters)", cfg.Steps);
        using var outcome = RecurrentLmTraining.Train(config, train, val, options, ctx.Seed,
            onStep: m =>
            {
                bar.Increment();
                ctx.Metrics.Log(new { model = name, m.Step, m.Loss, m.LearningRate, m.GradNorm, m.Milliseconds, m.TokensPerSecond,
                    m.Seconds });
            },
            onEval: e =>
                ctx.Metrics.Log(new { model = name, eval_step = e.Step, val_loss = e.Loss, val_bpc = e.Bits, e.Tokens, e.Seconds }),
            log: log.Add);
        if (log.Count == 0 || !log[^1].StartsWith($"step {outcome.Training.StepsDone} ", StringComparison.Ordinal))
            log.Add(outcome.Training.Steps[^1].ToLogLine()); // the last step, whatever the cadence

        int[] prompt = tokenizer.Encode(cfg.Prompt);
        int seed = Seeding.DeriveSeed(ctx.Seed, "char-lm-sample");
        var samples = cfg.Temperatures
            .Select(t => (t, cfg.Prompt + tokenizer.Decode(RecurrentSampler.Sample(outcome.Model, prompt, cfg.SampleChars, t, seed))))
            .ToList();
        // Reproducibility: the same seed twice gives the same characters; the next seed gives others.
        int[] again = RecurrentSampler.Sample(outcome.Model, prompt, cfg.SampleChars, cfg.Temperatures[^1], seed);
        int[] other = RecurrentSampler.Sample(outcome.Model, prompt, cfg.SampleChars, cfg.Temperatures[^1], seed + 1);
        bool same = cfg.Prompt + tokenizer.Decode(again) == samples[^1].Item2;
        ctx.Checks.SelfConsistency("a second sampling run with the same seed")
            .True($"{name}: sampling with the same seed repeats the sample", same, same ? $"{again.Length} identical characters"
                : "the samples differ");
        int differing = again.Zip(other).Count(p => p.First != p.Second);
        ctx.Checks.SelfConsistency("a sampling run with another seed")
            .True($"{name}: another seed gives another sample", differing > 0, $"{differing} of {again.Length} characters differ");
        ctx.Metrics.Log(new { model = name, parameters = config.Parameters, hidden = config.Hidden,
            val_nats_per_char = outcome.Validation.NatsPerToken,
            val_bpc = outcome.Validation.NatsPerToken / Math.Log(2), tokens_per_second = outcome.Training.TokensPerSecond,
                seconds = outcome.Training.Seconds });
        return new ModelRun(name, config, outcome.Training, outcome.Validation, log, samples);
    }
}
