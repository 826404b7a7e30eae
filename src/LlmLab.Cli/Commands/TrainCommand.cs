using System.Globalization;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Training;
using LlmLab.Training.Distributed;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab train</c>: GPT pretraining from a JSON config (<see cref="PretrainingConfig"/>), with checkpoints,
/// metrics.jsonl and the one-line step log; <c>--resume</c> continues a run from its newest (or a given) checkpoint
/// with the very losses the uninterrupted run would have had. Ctrl-C stops after the current step, saves a checkpoint
/// and exits 130 with the command that continues the run; a diverged loss is an error on stderr, exit 1.
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
        // Refuse before writing anything (docs/part-06.md): every check that needs no data runs first, the rest
        // (tokenizer, shards, validation split, checkpoint compatibility) inside GptPretraining before its onStart.
        OutputPaths.Directory(directory, args.Get("out") is not null ? "--out" : "out");
        // Under mpirun every rank runs this command; rank and world size come from MPI (docs/part-06.md).
        using var parallel = ShardedDataParallel.FromEnvironment(config.DataParallel, path + ": data_parallel");
        string mine = GptPretraining.RankDirectory(directory, parallel);
        if (resume is null && Checkpoint.List(mine) is { Count: > 0 } existing)
            throw new InputException($"'{mine}' already holds checkpoints (newest: step {existing[^1].Step}): pass --resume {directory}, or give another --out");
        // Any number of ranks and stage resumes any run: its checkpoint is resharded when they differ (docs/part-06.md).
        if (resume is not null) ShardedCheckpoint.Find(resume);
        if (parallel is { Rank: > 0 }) @out = TextWriter.Null; // rank 0 logs for the job
        // One intra-op thread per rank unless the config says otherwise: N ranks share the machine's cores.
        TorchRuntime.EnsureLoaded(config.Threads ?? (parallel is null ? null : 1));
        try { TorchRuntime.ResolveDevice(config.Trainer.Device); }
        catch (ArgumentException e) { throw new InputException($"{path}: trainer.device: {e.Message}", e); }

        var c = CultureInfo.InvariantCulture;
        string? shards = config.Data.Shards;
        var text = shards is null ? PretrainingText.Load(config.Data) : null;
        var t = config.Trainer;
        @out.WriteLine(string.Format(c, "model      {0:N0} parameters ({1} layers × {2} wide, {3} heads, context {4}, vocab {5:N0})",
            GptSizing.ParameterCount(config.Model), config.Model.Layers, config.Model.Width, config.Model.Heads, config.Model.Context,
                config.Model.VocabSize));
        @out.WriteLine(text is null
            ? $"data       token shards in {shards} (tokenizer {config.Data.Tokenizer})"
            : string.Format(c, "data       {0:N0} training tokens, {1:N0} validation tokens ({2:0.00} bytes/token); unigram baseline {3:0.0000} nats/token",
                text.Train.Length, text.Validation.Length, (double)text.ValidationBytes / text.Validation.Length, text.UnigramNats));
        @out.WriteLine(string.Format(c, "trainer    {0:N0} steps × {1:N0} tokens ({2} × {3} × {4} accumulation), {5}, device {6}",
            t.Steps, t.TokensPerStep, t.Batch, t.Context, t.Accumulation, t.Precision.ToString().ToLowerInvariant(), t.Device));
        if (parallel is not null)
            @out.WriteLine(string.Format(c, "parallel   {0} ranks (MPI), {1}: {2:N0} tokens per step in all; checkpoints in {3}/rank-N",
                parallel.WorldSize, ShardedDataParallel.StageName(parallel.Stage), t.TokensPerStep * parallel.WorldSize, directory));
        string BitsPerByte(double loss) => text is null ? "" : string.Format(c, " ({0:0.000} bits/byte)", text.BitsPerByte(loss));
        Action<string> onStart = dir =>
        {
            if (resume is null) AtomicFile.WriteAllText(Path.Combine(dir, "config.json"),
                config.ToJson().ToJsonString(new() { WriteIndented = true }) + "\n");
        };
        Action<EvalMetrics> onEval = e => @out.WriteLine(string.Format(c, "eval {0} | val loss {1:0.0000}", e.Step,
            e.Loss) + BitsPerByte(e.Loss));
        CheckpointInfo? last = null;
        Action<CheckpointInfo> onCheckpoint = k =>
        {
            last = k;
            @out.WriteLine($"saved      {k.Directory}");
        };
        using var interruption = new Interruption(@out, "stopping after this step and saving a checkpoint (Ctrl-C again to stop at once)");
        try
        {
            using var outcome = text is null
                ? GptPretraining.TrainOnShards(config, shards!, directory, resume, log: @out.WriteLine, onEval: onEval,
                    onCheckpoint: onCheckpoint,
                    cancellationToken: interruption.Token, onStart: onStart, dataParallel: parallel)
                : GptPretraining.Train(config, text, directory, resume, log: @out.WriteLine, onEval: onEval, onCheckpoint: onCheckpoint,
                    cancellationToken: interruption.Token, onStart: onStart, dataParallel: parallel);
            var r = outcome.Result;
            @out.WriteLine(string.Format(c, "done       step {0:N0}, {1:N0} tokens in {2:0.0} s ({3:N0} tok/s); final val loss {4:0.0000}",
                r.Steps.Count > 0 ? r.Steps[^1].Step : 0, r.Tokens, r.Seconds, r.TokensPerSecond,
                    r.Final?.Loss ?? double.NaN) + BitsPerByte(r.Final?.Loss ?? double.NaN));
            return 0;
        }
        catch (OperationCanceledException e) when (interruption.Token.IsCancellationRequested)
        {
            string next = $"continue with: llmlab train --config {path} --resume {directory}";
            throw new CliInterruptedException(last is not null ? $"stopped at step {last.Step}, saved in {last.Directory}; {next}"
                : resume is not null ? $"stopped before a new checkpoint; {next}"
                : $"stopped before the first checkpoint, so there is nothing to resume in '{directory}': run again", e);
        }
        catch (IOException e) when (last is not null || resume is not null)
        {
            string from = last is not null ? Path.GetFileName(last.Directory) : "its newest checkpoint";
            throw new IOException($"{e.Message}; the run can continue from {from}: llmlab train --config {path} --resume {directory}", e.HResult);
        }
    }

    /// <summary>The run directory of a --resume path: the directory itself, or the parent of a step-N checkpoint.</summary>
    static string RunDirectory(string resume) =>
        File.Exists(Path.Combine(resume, Checkpoint.ManifestName)) ? Path.GetDirectoryName(Path.GetFullPath(resume))! : resume;
}
