using System.Globalization;
using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// The weights and AdamW state of a <see cref="ShardedCheckpoint"/>, put back together per parameter, whatever the
/// number of ranks and the stage that wrote it — the common form from which any other world size and stage loads
/// (<see cref="ShardedDataParallel"/>; the trainer for one process):
/// <list type="number">
/// <item>weights (and buffers) from one part's <c>model.tensors</c> — every stage writes the full weights there (ZeRO-3
/// gathers them to save, as FSDP's full state dict does);</item>
/// <item>AdamW's moments per parameter: one process and DDP keep them so; ZeRO-1/2/3 keep each bucket's shard per rank,
/// so each bucket's N shards are concatenated in rank order, the padding cut off (the first <c>length</c> elements
/// are the parameters, <see cref="ShardLayout"/>), and the flat vector split at the recorded offsets into the shapes;</item>
/// <item>step counts per parameter (ZeRO: the bucket's count for each of its parameters).</item>
/// </list>
/// Nothing is computed, only copied, so a resume at the same world size and stage is exact. Each rank reads every part
/// (the full state, 12Ψ bytes, once at load; a reader of only the overlapping ranges, as PyTorch's distributed checkpoint
/// does, would read 12Ψ/N). Owns its tensors. Not thread-safe.
/// </summary>
internal sealed class UnshardedState : IDisposable
{
    UnshardedState(CheckpointInfo primary) => Primary = primary;

    /// <summary>The part named in messages and whose weights were read.</summary>
    public CheckpointInfo Primary { get; }

    /// <summary>Weights by parameter name, and buffers as "buffer:name", in their shapes.</summary>
    public Dictionary<string, Tensor> Weights { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Optimizer state tensors as "parameter/state" (e.g. "wte.weight/exp_avg"), in the parameters' shapes.</summary>
    public Dictionary<string, Tensor> Moments { get; } = new(StringComparer.Ordinal);

    /// <summary>AdamW updates applied to each parameter.</summary>
    public Dictionary<string, long> Steps { get; } = new(StringComparer.Ordinal);

    /// <summary>Checks, from the manifests alone, that <paramref name="checkpoint"/> can be loaded into a model whose trained
    /// parameters are <paramref name="trainable"/>: every part has a sharding manifest and they agree, the layout holds
    /// exactly these parameters with these shapes, and the optimizer was AdamW.</summary>
    /// <exception cref="InputException">It cannot; the message names the file.</exception>
    public static void Check(ShardedCheckpoint checkpoint, IReadOnlyList<(string Name, Parameter Parameter)> trainable)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var parts = checkpoint.Parts;
        var layouts = parts.Select(ShardLayout.Read).ToList();
        var first = layouts[0];
        for (int r = 0; r < parts.Count; r++)
        {
            string file = Path.Combine(parts[r].Directory, Checkpoint.ManifestName);
            var l = layouts[r];
            if (l.WorldSize != parts.Count || l.Rank != r)
                throw new InputException($"'{file}' says rank {l.Rank} of {l.WorldSize}, but it was found as rank {r} of {parts.Count}: " +
                                         "the rank directories were mixed up");
            if ((l with { Rank = 0 }).ToJson().ToJsonString() != first.ToJson().ToJsonString())
                throw new InputException($"'{file}': its layout differs from rank 0's: the parts come from different runs");
            if (((string?)parts[r].Json["optimizer"]?["kind"] ?? "adamw") != "adamw")
                throw new InputException($"'{file}': optimizer '{(string?)parts[r].Json["optimizer"]?["kind"]}' cannot be resharded " +
                                         "(AdamW's state can): resume it with the world size and stage that wrote it");
        }
        first.CheckMatches(trainable, Path.Combine(parts[0].Directory, Checkpoint.ManifestName));
    }

    /// <summary>Reads the weights and optimizer state of <paramref name="checkpoint"/> (checked with <see cref="Check"/>).</summary>
    /// <exception cref="InputException">State missing or of the wrong size; the message names the file.</exception>
    public static UnshardedState Read(ShardedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var parts = checkpoint.Parts;
        var layout = ShardLayout.Read(parts[0]);
        var state = new UnshardedState(parts[0]);
        try
        {
            state.Weights = TensorFile.Read(Path.Combine(parts[0].Directory, Checkpoint.ModelFile));
            if (layout.PerParameterState) state.ReadPerParameter(parts[0]);
            else state.Unshard(parts, layout);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>One process and DDP: the moments are already per parameter (every DDP rank holds the same).</summary>
    void ReadPerParameter(CheckpointInfo part)
    {
        foreach (var (k, v) in TensorFile.Read(Path.Combine(part.Directory, Checkpoint.OptimizerFile))) Moments[k] = v;
        foreach (var (name, count) in StepCounts(part)) Steps[name] = count;
    }

    /// <summary>ZeRO: concatenate each bucket's shards of every state, cut the padding, split per parameter.</summary>
    void Unshard(IReadOnlyList<CheckpointInfo> parts, ShardLayout layout)
    {
        var files = parts.Select(p => TensorFile.Read(Path.Combine(p.Directory, Checkpoint.OptimizerFile))).ToList();
        try
        {
            using var scope = NewDisposeScope();
            var counts = StepCounts(parts[0]);
            foreach (var bucket in layout.Buckets)
            {
                string prefix = bucket.Name + "/";
                var states = files[0].Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(k => k[prefix.Length..]).ToList();
                if (states.Count == 0) throw Missing(parts[0], prefix + "exp_avg");
                foreach (string s in states)
                {
                    var shards = new List<Tensor>();
                    for (int r = 0; r < parts.Count; r++)
                    {
                        if (!files[r].TryGetValue(prefix + s, out var shard)) throw Missing(parts[r], prefix + s);
                        if (shard.numel() != bucket.ShardLength)
                            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                                $"'{Path.Combine(parts[r].Directory, Checkpoint.OptimizerFile)}': '{prefix + s}' has " +
                                $"{shard.numel()} elements, " +
                                $"its layout says {bucket.ShardLength}: the checkpoint is damaged"));
                        shards.Add(shard.reshape(-1));
                    }
                    var flat = cat(shards, 0);                                               // N·k, padding last
                    foreach (var slot in bucket.Parameters)
                        Moments[slot.Name + "/" + s] =
                            flat.narrow(0, slot.Offset, slot.Numel).view(slot.Shape).clone().DetachFromDisposeScope();
                }
                if (!counts.TryGetValue(bucket.Name, out long count)) throw Missing(parts[0], "step count of " + bucket.Name);
                foreach (var slot in bucket.Parameters) Steps[slot.Name] = count;
            }
        }
        finally
        {
            foreach (var t in files.SelectMany(f => f.Values)) t.Dispose();
        }
    }

    static Dictionary<string, long> StepCounts(CheckpointInfo part)
    {
        string file = Path.Combine(part.Directory, Checkpoint.ManifestName);
        var steps = part.Json["optimizer"]?["steps"] as JsonObject ?? throw new InputException($"'{file}' has no optimizer step counts");
        return steps.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.TryGetValue(out long t) ? t
            : throw new InputException($"'{file}': optimizer step count of '{kv.Key}' is not an integer"), StringComparer.Ordinal);
    }

    static InputException Missing(CheckpointInfo part, string what) =>
        new($"'{Path.Combine(part.Directory, Checkpoint.OptimizerFile)}' has no {what}: the checkpoint is damaged or of another optimizer");

    public void Dispose()
    {
        foreach (var t in Weights.Values.Concat(Moments.Values)) t.Dispose();
        Weights.Clear();
        Moments.Clear();
    }
}
