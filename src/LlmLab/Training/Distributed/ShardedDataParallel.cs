using LlmLab.Optim;
using LlmLab.Planning;
using TorchSharp.Modules;
using AdamW = LlmLab.Optim.AdamW;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// Data parallelism with the ZeRO stages (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training
/// Trillion Parameter Models", §5) for the <see cref="Trainer"/>: give it to <see cref="Trainer.DataParallel"/> on every
/// rank, each rank training on its own shard of every global batch (<see cref="RankBatches"/>). The parameters are
/// grouped like the optimizer's groups into flat buckets padded to a multiple of N (<see cref="FlatBucket"/>).
/// <list type="number">
/// <item>At the start every rank fingerprints its initial weights and all-gathers the fingerprints: ranks that were
/// seeded differently are an error, named, before any step.</item>
/// <item>Stage 0 (<see cref="ZeroStage.None"/>, DDP): all-reduce each bucket's gradients, divide by N (the mean over the
/// global batch), clip, and run AdamW on every parameter, as one process would — 2Ψ sent per step.</item>
/// <item>Stage 1 (optimizer states): reduce-scatter the gradients so that rank r gets the mean gradient of its shard only,
/// clip with the global norm (squared shard norms summed over ranks), run AdamW on the shard (its moments are 1/N of
/// the model's), and all-gather the updated shards into every rank's weights — Ψ + Ψ = 2Ψ sent.</item>
/// <item>Stage 2 (+ gradients): as stage 1, and the full gradients are released right after the reduce-scatter, so
/// only the shard's gradient persists between steps. (DeepSpeed reduces buckets while backward is still running, so
/// its peak holds even fewer gradients; here backward completes first.)</item>
/// <item>Stage 3 (+ parameters; FSDP FULL_SHARD): the buckets are per unit — each Transformer block, and the root
/// (embeddings, final norm, head) — and between uses each rank keeps only its shards. A block's parameters are
/// all-gathered just before its forward and freed after, gathered again in backward, and their gradients
/// reduce-scattered into the shards there (<see cref="ShardedBlockFunction"/>); the root unit is gathered at the
/// start of each step and freed after its gradients are reduced, as FSDP keeps its root unit from forward to
/// backward. AdamW steps the shards; nothing is gathered after the step. Sent per step: Ψ forward, Ψ − Ψ_root backward,
/// Ψ reduce-scatter (the paper's 3Ψ less the root's re-gather). GptModel's blocks are units; any other module is one
/// root unit. fp32 only.</item>
/// </list>
/// Checkpoints: every stage writes the full weights (rank 0's folder generates), its optimizer state and a
/// <see cref="ShardLayout"/>, from which <see cref="UnshardedState"/> reloads at any world size and stage. The losses
/// equal one process's at the same global batch up to the order of floating-point sums. Not thread-safe (one per rank).
/// </summary>
public sealed partial class ShardedDataParallel : IDisposable
{
    List<FlatBucket> _buckets = [];
    List<Parameter> _shards = [];
    AdamW? _optimizer;
    readonly GatherMeter _meter = new();

    readonly bool _ownsCollectives;

    /// <param name="collectives">This rank's communicator.</param>
    /// <param name="stage">DDP (<see cref="ZeroStage.None"/>), ZeRO-1, ZeRO-2 or ZeRO-3.</param>
    /// <param name="ownsCollectives">Dispose the communicator with this object (MPI: finalize).</param>
    public ShardedDataParallel(ICollectives collectives, ZeroStage stage, bool ownsCollectives = false)
    {
        ArgumentNullException.ThrowIfNull(collectives);
        if (!Enum.IsDefined(stage)) throw new ArgumentException($"unknown ZeRO stage {(int)stage}", nameof(stage));
        (Collectives, Stage, _ownsCollectives) = (collectives, stage, ownsCollectives);
    }

    /// <summary>The stage a config names: "ddp" (stage 0), "zero1", "zero2", "zero3" (as DeepSpeed numbers them).</summary>
    /// <exception cref="InputException">Another name (the message starts with <paramref name="field"/>).</exception>
    public static ZeroStage ParseStage(string name, string field) => name switch
    {
        "ddp" => ZeroStage.None,
        "zero1" => ZeroStage.OptimizerStates,
        "zero2" => ZeroStage.Gradients,
        "zero3" => ZeroStage.Parameters,
        _ => throw new InputException($"{field} must be \"ddp\", \"zero1\", \"zero2\" or \"zero3\" (got \"{name}\")"),
    };

    /// <summary>The config name of <paramref name="stage"/> (the inverse of <see cref="ParseStage"/>).</summary>
    public static string StageName(ZeroStage stage) => stage == ZeroStage.None ? "ddp" : "zero" + (int)stage;

    /// <summary>
    /// The data parallelism of a process: under <c>mpirun</c> (OpenMPI's environment present) MPI's communicator with
    /// <paramref name="stage"/> (null = DDP); outside it, null (one process) — unless a stage is asked for, which needs
    /// ranks. The result owns the communicator.
    /// </summary>
    /// <exception cref="InputException">A stage outside mpirun, or mpirun without OpenMPI's library (names the package).</exception>
    public static ShardedDataParallel? FromEnvironment(string? stage, string field)
    {
        var zero = stage is null ? ZeroStage.None : ParseStage(stage, field);
        if (!MpiCollectives.InMpiJob)
            return stage is null ? null
                : throw new InputException($"{field} is \"{stage}\" but this process was not started by mpirun: run " +
                                           $"mpirun -np N llmlab train … (OpenMPI: {MpiCollectives.Package}), or remove {field}");
        return new ShardedDataParallel(MpiCollectives.Initialize(), zero, ownsCollectives: true);
    }

    public ICollectives Collectives { get; }
    public ZeroStage Stage { get; }
    public int Rank => Collectives.Rank;
    public int WorldSize => Collectives.WorldSize;

    /// <summary>Elements of the trained parameters, Ψ (set by <see cref="Attach"/>).</summary>
    public long ParameterCount { get; private set; }

    /// <summary>This rank's model states, measured after the latest step (null before the first).</summary>
    public ModelStateBytes? StateBytes { get; private set; }

    /// <summary>
    /// Called by the trainer when a run starts: checks that every rank starts from the same weights, builds the buckets
    /// and returns the optimizer this rank steps — over every parameter (DDP) or over this rank's shards (ZeRO-1/2/3).
    /// Under ZeRO-3 the module's parameters are then freed and <paramref name="model"/>'s blocks run through
    /// <see cref="ShardedBlockFunction"/>. The trainer owns (disposes) the optimizer.
    /// </summary>
    /// <exception cref="InvalidOperationException">A rank's initial weights differ from rank 0's.</exception>
    /// <exception cref="InputException">ZeRO-3 with bf16 or with Mixture-of-Experts blocks.</exception>
    public AdamW Attach(TorchSharp.torch.nn.Module model, IReadOnlyList<(string Name, Parameter Parameter)> masters, TrainerOptions o)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(masters);
        ArgumentNullException.ThrowIfNull(o);
        DisposeShards();
        var groups = ParameterGroup.DecayMatricesOnly(masters, o.WeightDecay);
        _buckets = Stage == ZeroStage.Parameters ? UnitBuckets(model, masters, o)
            : groups.Where(g => g.Parameters.Count > 0).Select(g => new FlatBucket(g.Name, g.Parameters, g.WeightDecay,
                WorldSize)).ToList();
        ParameterCount = _buckets.Sum(b => b.Length);
        CheckIdentical();
        if (Stage == ZeroStage.None)
            return _optimizer = new AdamW(groups, o.LearningRate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay);
        _shards = _buckets.Select(MakeShard).ToList();
        var shardGroups = _buckets.Select((b, i) => new ParameterGroup(b.Name, [(b.Name, _shards[i])], b.WeightDecay));
        _optimizer = new AdamW(shardGroups, o.LearningRate, o.Beta1, o.Beta2, o.Eps, o.WeightDecay);
        if (Stage == ZeroStage.Parameters) ShardParameters(model);
        return _optimizer;
    }

    Parameter MakeShard(FlatBucket b)
    {
        Tensor data;
        using (NewDisposeScope())
        using (no_grad())
            data = b.Values().narrow(0, Rank * b.ShardLength, b.ShardLength).clone().MoveToOuterDisposeScope();
        return new Parameter(data, requires_grad: true);
    }

    /// <summary>The mean of <paramref name="value"/> over the ranks (the step's loss over the global batch).</summary>
    public double MeanAcrossRanks(double value) => SumAcrossRanks(value) / WorldSize;

    double SumAcrossRanks(double value)
    {
        using var t = tensor(new[] { value }, ScalarType.Float64);
        Collectives.AllReduceSum(t);
        return t.item<double>();
    }

    /// <summary>
    /// Called by the trainer after backward (and after the bf16 gradients reached the masters): reduces the gradients,
    /// clips with the global norm, steps the optimizer and brings every rank's weights up to date (the stage's
    /// algorithm above). Returns the global gradient norm before clipping; when it is not finite nothing is updated.
    /// </summary>
    public double Step(IReadOnlyList<(string Name, Parameter Parameter)> masters, double clip)
    {
        var optimizer = _optimizer ?? throw new InvalidOperationException("Attach must be called before Step");
        using var scope = NewDisposeScope();
        double norm;
        if (Stage == ZeroStage.None)
        {
            foreach (var b in _buckets)
            {
                var flat = b.Gradients();
                Collectives.AllReduceSum(flat);
                b.SetGradients(flat.div_(WorldSize));
            }
            norm = GradientClipping.ClipGlobalNorm(masters.Select(p => (Tensor)p.Parameter), clip);
            if (double.IsFinite(norm)) optimizer.Step();
        }
        else
        {
            if (Stage == ZeroStage.Parameters) _root!.ReduceGradients();  // the blocks' were reduced in backward
            else
                for (int i = 0; i < _buckets.Count; i++)
                {
                    var shard = _shards[i];
                    if (shard.grad is null) using (no_grad()) shard.grad = zeros(_buckets[i].ShardLength, ScalarType.Float32);
                    Collectives.ReduceScatterSum(_buckets[i].Gradients(), shard.grad!);
                }
            _root?.Free();
            foreach (var shard in _shards) shard.grad!.div_(WorldSize);                // the mean over the global batch
            if (Stage >= ZeroStage.Gradients)
                foreach (var (_, p) in masters) p.grad = null; // ZeRO-2/3: only the shard's gradient outlives the step
            // Per-parameter segments of the shards, in the masters' order, so that the squared norms are summed per tensor
            // and in the order one process sums them (the same double, at one rank).
            var order = masters.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            var segments = _buckets.SelectMany((b, i) => b.Segments(Rank,
                _shards[i].grad!)).OrderBy(s => order[s.Name]).Select(s => s.Segment).ToList();
            norm = GradientClipping.ClipGradients(segments, clip, SumAcrossRanks);
            if (double.IsFinite(norm))
            {
                optimizer.Step();
                if (Stage < ZeroStage.Parameters)                                       // ZeRO-3 keeps only the shards
                    for (int i = 0; i < _buckets.Count; i++)
                    {
                        var full = zeros(_buckets[i].PaddedLength, ScalarType.Float32);
                        Collectives.AllGather(_shards[i].detach(), full);
                        _buckets[i].SetValues(full);
                    }
            }
        }
        StateBytes = Measure(masters, optimizer);
        return norm;
    }

    ModelStateBytes Measure(IReadOnlyList<(string Name, Parameter Parameter)> masters, AdamW optimizer)
    {
        static long Bytes(Tensor? t) => t is null ? 0 : t.numel() * t.ElementSize;
        long weights = masters.Sum(p => Bytes(p.Parameter));
        long grads = masters.Sum(p => Bytes(p.Parameter.grad)) + _shards.Sum(s => Bytes(s.grad));
        long state = optimizer.NamedStateTensors().Sum(kv => Bytes(kv.Value));
        long shards = _shards.Sum(s => Bytes(s));
        return Stage == ZeroStage.Parameters ? new ModelStateBytes(weights + shards, grads, state, 0, _meter.Peak)
            : new ModelStateBytes(weights, grads, state, shards);
    }

    /// <summary>All-gathers a fingerprint of every rank's initial weights (a 64-bit FNV-1a hash of their bit patterns, so
    /// equal bits give equal fingerprints whatever the thread count) and throws on every rank when one differs from
    /// rank 0's.</summary>
    void CheckIdentical()
    {
        ulong hash = 14695981039346656037UL;
        foreach (var b in _buckets)
            foreach (var (_, p) in b.Parameters)
            {
                using var cpu = p.detach().to(ScalarType.Float32).contiguous();
                foreach (float v in cpu.data<float>().ToArray())
                    hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
            }
        // Two 32-bit halves: exact as doubles, so the all-gather (a float64 collective) carries them unchanged.
        using var mine = tensor(new[] { (double)(hash >> 32), (double)(hash & 0xffffffffUL) }, ScalarType.Float64);
        using var all = zeros(2 * WorldSize, ScalarType.Float64);
        Collectives.AllGather(mine, all);
        var f = all.data<double>().ToArray();
        var differ = Enumerable.Range(1, WorldSize - 1).Where(r => f[2 * r] != f[0] || f[2 * r + 1] != f[1]).ToList();
        if (differ.Count > 0)
            throw new InvalidOperationException($"rank(s) {string.Join(", ", differ)} start from other weights than rank 0: " +
                                                "every rank must build the model from the same seed");
    }

    void DisposeShards()
    {
        foreach (var s in _shards) s.Dispose();
        _shards = [];
    }

    /// <summary>Frees the shards (the optimizer is the trainer's), and the communicator when owned.</summary>
    public void Dispose()
    {
        Detach();
        DisposeShards();
        if (_ownsCollectives) Collectives.Dispose();
    }
}
