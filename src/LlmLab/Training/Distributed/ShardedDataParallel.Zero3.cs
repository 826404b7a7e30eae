using LlmLab.Nn.Gpt;
using LlmLab.Optim;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

// ZeRO-3's units (the class summary has the algorithm): which parameters form a unit, freeing them after Attach, the
// hooks the trainer calls around a step and an evaluation, and giving the module its full weights back at the end.
public sealed partial class ShardedDataParallel
{
    GptModel? _blocksOf;                  // the model whose blocks run through ShardedBlockFunction
    ZeroUnit? _root;                      // embeddings, final norm, head (ZeRO-3)
    List<ZeroUnit> _units = [];           // every unit, root included (ZeRO-3)
    List<(string Unit, GptBlock? Block)> _plan = [];  // bucket i's unit and block, from UnitBuckets

    /// <summary>ZeRO-3: Ψ_root, the elements of the parameters outside the blocks (0 for the other stages).</summary>
    public long RootParameterCount { get; private set; }

    /// <summary>ZeRO-3's buckets: for each unit (the root, then each block of a <see cref="GptModel"/>), one per optimizer
    /// group, named "unit:group".</summary>
    List<FlatBucket> UnitBuckets(nn.Module model, IReadOnlyList<(string Name, Parameter Parameter)> masters, TrainerOptions o)
    {
        if (o.Precision != TrainingPrecision.Fp32)
            throw new InputException("data_parallel \"zero3\" shards fp32 weights (bf16 sharding is not implemented): " +
                                     "set trainer.precision to fp32, or use zero2");
        if (model is GptModel { Config.IsMixtureOfExperts: true })
            throw new InputException("data_parallel \"zero3\" runs dense blocks (a Mixture-of-Experts block's auxiliary loss would " +
                                     "not reach backward through the recomputed block): use zero2 for MoE models");
        var units = new List<(string Name, List<(string Name, Parameter Parameter)> Parameters, GptBlock? Block)>();
        if (model is GptModel)
            foreach (var (name, m) in model.named_modules())
                if (m is GptBlock block)
                    units.Add((name, masters.Where(p => p.Name.StartsWith(name + ".", StringComparison.Ordinal)).ToList(), block));
        var inBlocks = units.SelectMany(u => u.Parameters).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        units.Insert(0, ("root", masters.Where(p => !inBlocks.Contains(p.Name)).ToList(), null));
        _blocksOf = model as GptModel;
        _plan = [];
        var buckets = new List<FlatBucket>();
        foreach (var (unit, parameters, block) in units)
            foreach (var g in ParameterGroup.DecayMatricesOnly(parameters, o.WeightDecay).Where(g => g.Parameters.Count > 0))
            {
                buckets.Add(new FlatBucket(unit + ":" + g.Name, g.Parameters, g.WeightDecay, WorldSize));
                _plan.Add((unit, block));
            }
        return buckets;
    }

    /// <summary>Makes the units over the shards, frees every parameter and routes the model's blocks through
    /// <see cref="ShardedBlockFunction"/>.</summary>
    void ShardParameters(nn.Module model)
    {
        var byUnit = _plan.Select((p, i) => (p.Unit, p.Block, Index: i)).GroupBy(x => x.Unit).ToList();
        var unitOf = new Dictionary<GptBlock, ZeroUnit>(ReferenceEqualityComparer.Instance);
        _units = [];
        foreach (var g in byUnit)
        {
            var unit = new ZeroUnit(g.Key, g.Select(x => _buckets[x.Index]).ToList(), g.Select(x => _shards[x.Index]).ToList(),
                Collectives, _meter);
            _units.Add(unit);
            if (g.First().Block is { } block) unitOf[block] = unit;
            else _root = unit;
        }
        RootParameterCount = _root?.Buckets.Sum(b => b.Length) ?? 0;
        // Attach's copies of the weights are now the shards: mark every unit gathered, then free it (set_ to empty).
        foreach (var u in _units)
        {
            u.MarkGathered();
            u.Free();
        }
        _meter.ResetPeak();
        if (_blocksOf is { } gpt)
        {
            bool dropout = gpt.Config.Dropout > 0;
            gpt.BlockRunner = (block, x, rope) =>
                ShardedBlockFunction.apply(x, unitOf[block], (Func<Tensor, Tensor>)(t => block.Forward(t, rope)), dropout);
        }
    }

    /// <summary>Called by the trainer before a step's first forward: ZeRO-3 zeroes the shards' gradients and gathers the
    /// root unit for the step (it is freed once its gradients are reduced). No-op for the other stages.</summary>
    public void BeginStep()
    {
        if (_root is null) return;
        _meter.ResetPeak();
        using (no_grad())
            foreach (var s in _shards)
            {
                if (s.grad is { } g) g.zero_();
                else s.grad = zeros(s.shape[0], ScalarType.Float32);
            }
        _root.Gather();
    }

    /// <summary>Called by the trainer around an evaluation: ZeRO-3 gathers the root unit (the blocks gather themselves).
    /// Every rank evaluates, so every rank calls these alike.</summary>
    public void BeginEvaluation() => _root?.Gather();

    /// <inheritdoc cref="BeginEvaluation"/>
    public void EndEvaluation() => _root?.Free();

    /// <summary>Called by the trainer when a run has finished: under ZeRO-3 every unit is gathered once more (a
    /// collective) so that the module holds its full trained weights in storage of its own, and its blocks run
    /// plainly again.</summary>
    public void Finish()
    {
        foreach (var u in _units) u.Gather(copy: true);
        _units = [];
        _root = null;
        Detach();
    }

    /// <summary>Stops routing the model's blocks through the sharded function (no collectives: safe after a failure,
    /// when the module's parameters may stay empty).</summary>
    void Detach()
    {
        if (_blocksOf is not null) _blocksOf.BlockRunner = null;
        _blocksOf = null;
    }
}
