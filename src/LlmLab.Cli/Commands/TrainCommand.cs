using System.Globalization;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab train</c>: GPT pretraining from a JSON config (<see cref="PretrainingConfig"/>), with checkpoints,
/// metrics.jsonl and the one-line step log; <c>--resume</c> continues a run from its newest (or a given) checkpoint
/// with the very losses the uninterrupted run would have had.
/// </summary>
public sealed class TrainCommand : CliCommand
{
    public override string Name => "train";
    public override string Summary => "pretrain a GPT from a JSON config, with checkpoints; --resume continues a run exactly";
    public override string Usage => "--config FILE [--set section.key=value]… [--out DIR] [--resume DIR]";
    public override IReadOnlySet<string> Options => new HashSet<string> { "config", "set", "out", "resume" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "");
        string path = args.Get("config") ?? throw new UsageException("--config FILE is required", this);
        var config = PretrainingConfig.Load(path, args.GetAll("set"));
        string? resume = args.Get("resume");
        string directory = args.Get("out") ?? config.Out ?? (resume is null ? throw new UsageException("--out DIR (or \"out\" in the config) is required", this) : RunDirectory(resume));
        // Refuse before writing anything: a fresh run never mixes with the checkpoints of another.
        if (resume is null && Checkpoint.List(directory) is { Count: > 0 } existing)
            throw new InputException($"'{directory}' already holds checkpoints (newest: step {existing[^1].Step}): pass --resume {directory}, or give another --out");
        if (resume is not null) Checkpoint.Resolve(resume);
        TorchRuntime.EnsureLoaded(config.Threads);

        var c = CultureInfo.InvariantCulture;
        string? shards = config.Data.Shards;
        var text = shards is null ? PretrainingText.Load(config.Data) : null;
        var t = config.Trainer;
        @out.WriteLine(string.Format(c, "model      {0:N0} parameters ({1} layers × {2} wide, {3} heads, context {4}, vocab {5:N0})",
            GptSizing.ParameterCount(config.Model), config.Model.Layers, config.Model.Width, config.Model.Heads, config.Model.Context, config.Model.VocabSize));
        @out.WriteLine(text is null
            ? $"data       token shards in {shards} (tokenizer {config.Data.Tokenizer})"
            : string.Format(c, "data       {0:N0} training tokens, {1:N0} validation tokens ({2:0.00} bytes/token); unigram baseline {3:0.0000} nats/token",
                text.Train.Length, text.Validation.Length, (double)text.ValidationBytes / text.Validation.Length, text.UnigramNats));
        @out.WriteLine(string.Format(c, "trainer    {0:N0} steps × {1:N0} tokens ({2} × {3} × {4} accumulation), {5}, device {6}",
            t.Steps, t.TokensPerStep, t.Batch, t.Context, t.Accumulation, t.Precision.ToString().ToLowerInvariant(), t.Device));
        string BitsPerByte(double loss) => text is null ? "" : string.Format(c, " ({0:0.000} bits/byte)", text.BitsPerByte(loss));
        Directory.CreateDirectory(directory);
        if (resume is null) AtomicFile.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson().ToJsonString(new() { WriteIndented = true }) + "\n");
        try
        {
            Action<EvalMetrics> onEval = e => @out.WriteLine(string.Format(c, "eval {0} | val loss {1:0.0000}", e.Step, e.Loss) + BitsPerByte(e.Loss));
            Action<CheckpointInfo> onCheckpoint = k => @out.WriteLine($"saved      {k.Directory}");
            using var outcome = text is null
                ? GptPretraining.TrainOnShards(config, shards!, directory, resume, log: @out.WriteLine, onEval: onEval, onCheckpoint: onCheckpoint)
                : GptPretraining.Train(config, text, directory, resume, log: @out.WriteLine, onEval: onEval, onCheckpoint: onCheckpoint);
            var r = outcome.Result;
            @out.WriteLine(string.Format(c, "done       step {0:N0}, {1:N0} tokens in {2:0.0} s ({3:N0} tok/s); final val loss {4:0.0000}",
                r.Steps.Count > 0 ? r.Steps[^1].Step : 0, r.Tokens, r.Seconds, r.TokensPerSecond, r.Final?.Loss ?? double.NaN) + BitsPerByte(r.Final?.Loss ?? double.NaN));
            return 0;
        }
        catch (TrainingDivergedException e)
        {
            @out.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    /// <summary>The run directory of a --resume path: the directory itself, or the parent of a step-N checkpoint.</summary>
    static string RunDirectory(string resume) =>
        File.Exists(Path.Combine(resume, Checkpoint.ManifestName)) ? Path.GetDirectoryName(Path.GetFullPath(resume))! : resume;
}
