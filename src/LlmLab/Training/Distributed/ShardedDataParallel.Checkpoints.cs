using LlmLab.Planning;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

// Checkpoints of a data-parallel run: what a rank writes beside its optimizer state (its layout, the full weights) and
// how a rank loads the unsharded state of a checkpoint written at any world size and stage.
public sealed partial class ShardedDataParallel
{
    /// <summary>This rank's <see cref="ShardLayout"/> (after <see cref="Attach"/>).</summary>
    public ShardLayout Layout() => ShardLayout.Of(_buckets, WorldSize, Rank, StageName(Stage));

    /// <summary>
    /// The full weights to write in a checkpoint, by name in the masters' order. ZeRO-3 all-gathers every bucket for it (a
    /// collective: every rank saves at the same steps), so saving holds the whole model once, as FSDP's full state
    /// dict does; the tensors then belong to the caller's dispose scope. The other stages hold the full weights already.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> CheckpointWeights(IReadOnlyList<(string Name, Parameter Parameter)> masters)
    {
        ArgumentNullException.ThrowIfNull(masters);
        if (Stage != ZeroStage.Parameters) return masters.Select(p => KeyValuePair.Create(p.Name, (Tensor)p.Parameter)).ToList();
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        for (int i = 0; i < _buckets.Count; i++)
        {
            var full = empty(_buckets[i].PaddedLength, ScalarType.Float32);
            Collectives.AllGather(_shards[i].detach(), full);
            foreach (var ((name, _), (_, view)) in _buckets[i].Parameters.Zip(_buckets[i].Views(full))) byName[name] = view;
        }
        return masters.Select(p => KeyValuePair.Create(p.Name, byName[p.Name])).ToList();
    }

    /// <summary>
    /// Loads a checkpoint's unsharded state into this rank: the weights (ZeRO-3: only this rank's shards of them; the module's
    /// parameters stay empty), and AdamW's state — per parameter for DDP, cut to this rank's shard of each bucket for ZeRO.
    /// Only copies, so at the world size and stage that wrote it the state is bit for bit the saved one.
    /// </summary>
    /// <exception cref="InputException">The checkpoint lacks a state this optimizer needs, or one bucket's parameters were
    /// updated a different number of times (they cannot share one shard's step count).</exception>
    internal void Load(UnshardedState full, IReadOnlyList<(string Name, Parameter Parameter)> masters)
    {
        var optimizer = _optimizer ?? throw new InvalidOperationException("Attach must be called before Load");
        string file = Path.Combine(full.Primary.Directory, Checkpoint.ManifestName);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (Stage != ZeroStage.Parameters)
            foreach (var (name, p) in masters) Checkpoint.CopyInto(full.Primary, "weight", name, p, full.Weights);
        if (Stage == ZeroStage.None)
        {
            LoadOptimizer(full.Moments, full.Steps, file);
            return;
        }
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        var keys = optimizer.NamedStateTensors().Select(kv => kv.Key).ToList();
        for (int i = 0; i < _buckets.Count; i++)
        {
            var b = _buckets[i];
            Tensor Mine(Func<string, Tensor> of) => Flat(b, of).narrow(0, Rank * b.ShardLength, b.ShardLength);
            _shards[i].copy_(Mine(name => full.Weights[name]));
            foreach (string key in keys.Where(k => k.StartsWith(b.Name + "/", StringComparison.Ordinal)))
            {
                string state = key[(b.Name.Length + 1)..];
                tensors[key] = Mine(name => full.Moments.GetValueOrDefault(name + "/" + state)
                    ?? throw new InputException($"'{file}': the checkpoint has no {state} for '{name}': " +
                                                "it is of another optimizer config"));
            }
            var counts = b.Parameters.Select(p => full.Steps.GetValueOrDefault(p.Name, -1)).Distinct().ToList();
            if (counts.Count != 1 || counts[0] < 0)
                throw new InputException($"'{file}': the parameters of bucket '{b.Name}' have AdamW step counts " +
                                         $"{string.Join(", ", counts)}; " +
                                         "a shard is stepped as one, so they must agree (a parameter the loss did not reach?)");
            steps[b.Name] = counts[0];
        }
        LoadOptimizer(tensors, steps, file);
    }

    void LoadOptimizer(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, long> steps, string file)
    {
        try { _optimizer!.LoadState(tensors, steps); }
        catch (ArgumentException e)
        {
            throw new InputException($"'{file}': {e.Message}: it was saved from another model or optimizer config", e);
        }
    }

    /// <summary>A padded flat vector of <paramref name="b"/> from per-parameter tensors (in the caller's dispose scope).</summary>
    static Tensor Flat(FlatBucket b, Func<string, Tensor> of)
    {
        var flat = zeros(b.PaddedLength, ScalarType.Float32);
        foreach (var ((name, _), (_, view)) in b.Parameters.Zip(b.Views(flat))) view.copy_(of(name));
        return flat;
    }
}
