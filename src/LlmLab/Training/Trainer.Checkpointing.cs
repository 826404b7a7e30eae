using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Data;
using LlmLab.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmLab.Training;

public sealed partial class Trainer
{
    /// <summary>The trainer options that decide what the next step computes: a checkpoint must agree on every one to be
    /// resumed exactly. The others (steps to stop at, logging, evaluation cadence, device, time budget) may change.</summary>
    static readonly string[] ExactFields =
        ["steps", "batch", "context", "learning_rate", "min_learning_rate", "warmup_steps", "accumulation", "weight_decay",
         "grad_clip", "beta1", "beta2", "eps", "precision"];

    /// <summary>Saves the run's state after <see cref="RunState.Step"/> and prunes old checkpoints.</summary>
    void Save(CheckpointOptions c, RunState run, TrainingWeights weights, IOptimizer optimizer, IResumableBatchProvider batches)
    {
        CheckpointInfo info;
        using (NewDisposeScope()) info = Write(c, run, weights, optimizer, batches);
        Checkpoint.Prune(c.Directory, c.KeepLast, c.KeepBest);
        c.OnSaved?.Invoke(info);
    }

    /// <summary>Writes the checkpoint of <see cref="RunState.Step"/> (temporaries in the caller's dispose scope).</summary>
    CheckpointInfo Write(CheckpointOptions c, RunState run, TrainingWeights weights, IOptimizer optimizer, IResumableBatchProvider batches)
    {
        // Every checkpoint records its layout, so that another number of ranks or another stage can reload it.
        var layout = DataParallel?.Layout() ?? Distributed.ShardLayout.ForOneProcess(weights.Masters, Options.WeightDecay);
        // ZeRO-3 gathers the full weights here (a collective); the other stages hold them.
        var full = DataParallel?.CheckpointWeights(weights.Masters)
                   ?? weights.Masters.Select(p => KeyValuePair.Create(p.Name, (Tensor)p.Parameter)).ToList();
        var manifest = new JsonObject
        {
            ["tokens"] = run.Tokens,
            ["seconds"] = run.Seconds,
            ["validation_loss"] = run.Evals.Count > 0 && run.Evals[^1].Step == run.Step ? run.Evals[^1].Loss : null,
            ["options"] = TrainingJson.ToObject(Options),
            ["config"] = c.Config?.DeepClone(),
            ["optimizer"] = new JsonObject
            {
                ["kind"] = KindOf(optimizer),
                ["steps"] = new JsonObject(optimizer.State.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.Step))),
            },
            ["rng"] = new JsonObject { ["torch_cpu"] = Convert.ToBase64String(TorchCpuRngState()) },
            ["threads"] = get_num_threads(), // intra-op threads: a CPU resume is bit-exact only with the same count
            ["data"] = batches.SaveState(),
            [Distributed.ShardLayout.Key] = layout.ToJson(),
            ["metrics"] = new JsonObject
            {
                ["steps"] = JsonSerializer.SerializeToNode(run.Steps, TrainingJson.Options),
                ["evals"] = JsonSerializer.SerializeToNode(run.Evals, TrainingJson.Options),
            },
        };
        return Checkpoint.Save(c.Directory, run.Step, manifest, dir =>
        {
            var model = full.Concat(weights.Buffers.Select(b => KeyValuePair.Create("buffer:" + b.Name, b.Buffer)));
            TensorFile.Write(Path.Combine(dir, Checkpoint.ModelFile), model);
            TensorFile.Write(Path.Combine(dir, Checkpoint.OptimizerFile), optimizer.NamedStateTensors());
            c.WriteExtras?.Invoke(dir);
        });
    }

    /// <summary>Loads a checkpoint into the weights, the optimizer, libtorch's RNG, the batch provider and the run state.</summary>
    void Restore(CheckpointInfo ckpt, TrainingWeights weights, IOptimizer optimizer, IResumableBatchProvider batches, RunState run)
    {
        var json = ckpt.Json;
        var model = TensorFile.Read(Path.Combine(ckpt.Directory, Checkpoint.ModelFile));
        var moments = TensorFile.Read(Path.Combine(ckpt.Directory, Checkpoint.OptimizerFile));
        try
        {
            using var noGrad = no_grad();
            var expected = weights.Masters.Select(p => (p.Name, Tensor: (Tensor)p.Parameter))
                .Concat(weights.Buffers.Select(b => ("buffer:" + b.Name, b.Buffer))).ToList();
            foreach (var (name, tensor) in expected) Checkpoint.CopyInto(ckpt, "weight", name, tensor, model);
            if (model.Count > expected.Count)
                throw new InputException($"checkpoint '{ckpt.Directory}' has weights this model lacks ({string.Join(", ", model.Keys.Except(expected.Select(e => e.Item1)).Take(3))}): it is of another model config");
            // The optimizer type first: another one's state would not mean the same (checkpoints before the type was
            // recorded hold "adamw", the only optimizer the trainer had then).
            string kind = (string?)json["optimizer"]?["kind"] ?? "adamw";
            if (kind != KindOf(optimizer))
                throw new InputException($"checkpoint '{ckpt.Directory}' was trained with optimizer '{kind}' and this run uses " +
                    $"'{KindOf(optimizer)}': " +
                    "resume with the checkpoint's optimizer, or start a new run in another directory");
            var steps = json["optimizer"]?["steps"] as JsonObject ?? throw new InputException($"checkpoint '{ckpt.Directory}' has no optimizer step counts");
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, node) in steps)
                counts[name] = node is JsonValue v && v.TryGetValue(out long t) ? t
                    : throw new InputException($"checkpoint '{ckpt.Directory}': optimizer step count of '{name}' is not an integer");
            try { optimizer.LoadState(moments, counts); }
            catch (ArgumentException e)
            {
                throw new InputException($"checkpoint '{ckpt.Directory}': {e.Message}: it was saved from another model or optimizer config", e);
            }
            weights.MastersToModule();
        }
        finally
        {
            foreach (var t in model.Values.Concat(moments.Values)) t.Dispose();
        }
        RestoreRunState(ckpt, batches, run);
    }

    /// <summary>
    /// Loads a checkpoint written by another number of ranks or under another stage (or any data-parallel checkpoint):
    /// the weights and AdamW state put back together per parameter (<see cref="Distributed.UnshardedState"/>), then
    /// loaded as this run keeps them — by the data parallelism, or into the module and optimizer of one process — and
    /// the trainer state of <paramref name="part"/>, this rank's part (or rank 0's).
    /// </summary>
    void RestoreUnsharded(Distributed.ShardedCheckpoint resume, CheckpointInfo part, TrainingWeights weights, IOptimizer optimizer,
        IResumableBatchProvider batches, RunState run)
    {
        using (var full = Distributed.UnshardedState.Read(resume))
        using (no_grad())
        {
            if (DataParallel is { } dp) dp.Load(full, weights.Masters);
            else
            {
                foreach (var (name, p) in weights.Masters) Checkpoint.CopyInto(full.Primary, "weight", name, p, full.Weights);
                try { optimizer.LoadState(full.Moments, full.Steps); }
                catch (ArgumentException e)
                {
                    throw new InputException($"checkpoint '{full.Primary.Directory}': {e.Message}: " +
                                             "it was saved from another model or optimizer config", e);
                }
            }
            foreach (var (name, b) in weights.Buffers) Checkpoint.CopyInto(full.Primary, "weight", "buffer:" + name, b, full.Weights);
            weights.MastersToModule();
        }
        RestoreRunState(part, batches, run);
    }

    /// <summary>libtorch's RNG, the batch position and the run's counters and metrics from <paramref name="ckpt"/>.</summary>
    static void RestoreRunState(CheckpointInfo ckpt, IResumableBatchProvider batches, RunState run)
    {
        var json = ckpt.Json;
        string rng = (string?)json["rng"]?["torch_cpu"] ?? throw new InputException($"checkpoint '{ckpt.Directory}' has no RNG state");
        SetTorchCpuRngState(Convert.FromBase64String(rng));
        batches.RestoreState(json["data"] as JsonObject ?? throw new InputException($"checkpoint '{ckpt.Directory}' has no data position"));
        run.Step = ckpt.Step;
        run.Tokens = (long?)json["tokens"] ?? 0;
        run.Seconds = (double?)json["seconds"] ?? 0;
        run.Steps.AddRange(json["metrics"]?["steps"].Deserialize<List<StepMetrics>>(TrainingJson.Options) ?? []);
        run.Evals.AddRange(json["metrics"]?["evals"].Deserialize<List<EvalMetrics>>(TrainingJson.Options) ?? []);
    }

    /// <summary>Refuses a checkpoint whose options or caller config differ where it matters, naming the first difference.
    /// trainer.batch is per rank: between <paramref name="savedWorld"/> and <paramref name="world"/> ranks the global
    /// batch (batch × ranks) must stay, so that the data position and the schedule mean the same.</summary>
    void CheckCompatible(CheckpointInfo ckpt, JsonObject? config, int savedWorld, int world)
    {
        var saved = ckpt.Json["options"] as JsonObject ?? throw new InputException($"checkpoint '{ckpt.Directory}' has no trainer options");
        var mine = TrainingJson.ToObject(Options);
        long global = (long)Options.Batch * world;
        if (savedWorld != world && saved["batch"] is JsonValue bv && bv.TryGetValue(out long savedBatch) && savedBatch * savedWorld != global)
        {
            long before = savedBatch * savedWorld;
            var inv = CultureInfo.InvariantCulture;
            throw new InputException(
                string.Create(inv, $"checkpoint '{ckpt.Directory}' was trained with a global batch of {before} (trainer.batch {savedBatch} × ") +
                string.Create(inv, $"{savedWorld} rank{(savedWorld == 1 ? "" : "s")}) and this run has {global} ({Options.Batch} × {world}): ") +
                "keep the global batch " + (before % world == 0 ? string.Create(inv, $"(set trainer.batch to {before / world})")
                    : string.Create(inv, $"(it does not split over {world} ranks)")));
        }
        foreach (string field in ExactFields)
            if (field == "batch" && savedWorld != world) continue;
            else if (TrainingJson.FirstDifference(saved[field], mine[field], "trainer." + field) is { } d)
                throw new InputException($"checkpoint '{ckpt.Directory}' was trained with {d.Path} = {d.A ?? "null"}, this run has {d.B ?? "null"}: " +
                    "resume with the checkpoint's settings, or start a new run in another directory");
        if (config is not null && TrainingJson.FirstDifference(ckpt.Json["config"], config) is { } c)
            throw new InputException($"checkpoint '{ckpt.Directory}' was made with {c.Path} = {c.A ?? "(absent)"}, this run has {c.B ?? "(absent)"}: " +
                "resume with the checkpoint's config, or start a new run in another directory");
        if (ckpt.Step >= (Options.StopAtStep ?? Options.Steps))
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"checkpoint '{ckpt.Directory}' is at step {ckpt.Step}, and this run stops at step {Options.StopAtStep ?? Options.Steps}: nothing to resume"));
    }

    /// <summary>
    /// Refuses to resume a CPU run with another intra-op thread count than the checkpoint's: libtorch splits a reduction
    /// into per-thread partial sums, so another count may add in another order, and the continuation is then not bit for
    /// bit the one the uninterrupted run would have had (docs/part-06.md). Checkpoints written
    /// before the count was recorded are not checked.
    /// </summary>
    static void CheckThreads(CheckpointInfo ckpt, Device device)
    {
        if (device.type != DeviceType.CPU || ckpt.Json["threads"] is not JsonValue v || !v.TryGetValue(out int saved)) return;
        int now = get_num_threads();
        if (saved != now)
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"checkpoint '{ckpt.Directory}' was trained with {saved} intra-op thread{(saved == 1 ? "" : "s")} and this process has {now}: " +
                $"an exact resume needs the same count; resume with {saved} (llmlab train: --set threads={saved})"));
    }

    /// <summary>A fresh run needs a directory without checkpoints, and a resumed one must not have later checkpoints
    /// beside it (they would be overwritten, or mixed with the new ones).</summary>
    static void CheckDirectory(string directory, CheckpointInfo? resume)
    {
        var existing = Checkpoint.List(directory);
        if (resume is null && existing.Count > 0)
            throw new InputException($"'{directory}' already holds checkpoints (newest: step {existing[^1].Step}): resume from it, or train into another directory");
        if (Checkpoint.Incomplete(directory).FirstOrDefault(c => resume is null || c.Step > resume.Step) is { Directory: not null } broken)
            throw new InputException(Checkpoint.IncompleteMessage(broken.Directory, directory));
        if (resume is not null && existing.FirstOrDefault(c => c.Step > resume.Step) is { Directory: not null } later)
            throw new InputException($"'{directory}' holds a later checkpoint ({Path.GetFileName(later.Directory)}) than the one resumed (step {resume.Step}): " +
                "resume from the newest, or move the later ones away");
    }

    /// <summary>The optimizer's type as a checkpoint records it, e.g. "adamw", "sgd".</summary>
    static string KindOf(IOptimizer optimizer) => optimizer.GetType().Name.ToLowerInvariant();

    static byte[] TorchCpuRngState()
    {
        using var state = random.get_rng_state();
        return state.bytes.ToArray();
    }

    static void SetTorchCpuRngState(byte[] bytes)
    {
        using var state = empty(bytes.Length, ScalarType.Byte);
        state.bytes = bytes;
        random.set_rng_state(state);
    }
}
