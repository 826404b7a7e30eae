using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// One ZeRO-3 unit (FSDP's "FSDP unit"): a set of the module's parameters — a Transformer block, or the root (embeddings,
/// final norm, head) — kept between uses only as this rank's shards of its flat buckets. <see cref="Gather"/> all-gathers
/// the buckets and points every parameter at its part of the gathered vector (<c>set_</c>: the module's own parameter
/// objects, so the module runs unchanged); <see cref="Free"/> points them at empty storage again, so the gathered memory
/// is released once nothing else holds it; <see cref="ReduceGradients"/> reduce-scatters the parameters' gradients into
/// the shards' gradients and drops them. Tracks the bytes gathered at once across units (the transient part of ZeRO-3's
/// memory). Not thread-safe (one rank).
/// </summary>
internal sealed class ZeroUnit
{
    readonly ICollectives _collectives;
    readonly GatherMeter _meter;
    bool _gathered;

    /// <param name="name">"h.3", "root", …</param>
    /// <param name="buckets">The unit's flat buckets (one per optimizer group).</param>
    /// <param name="shards">This rank's shard of each bucket (the parameters AdamW updates), same order.</param>
    /// <param name="collectives">This rank's communicator.</param>
    /// <param name="meter">Where gathered bytes are counted.</param>
    public ZeroUnit(string name, IReadOnlyList<FlatBucket> buckets, IReadOnlyList<Parameter> shards, ICollectives collectives,
        GatherMeter meter)
    {
        (Name, Buckets, Shards, _collectives, _meter) = (name, buckets, shards, collectives, meter);
        Bytes = buckets.Sum(b => b.PaddedBytes);
    }

    public string Name { get; }
    public IReadOnlyList<FlatBucket> Buckets { get; }
    public IReadOnlyList<Parameter> Shards { get; }

    /// <summary>Bytes of the unit's gathered (padded) flat vectors.</summary>
    public long Bytes { get; }

    /// <summary>Whether the parameters hold their full values now.</summary>
    public bool IsGathered => _gathered;

    /// <summary>Records that the parameters hold their full values (as they do when the unit is made).</summary>
    public void MarkGathered()
    {
        if (_gathered) return;
        _gathered = true;
        _meter.Add(Bytes);
    }

    /// <summary>Gives every parameter its full value (all-gather of each bucket's shards); a no-op when gathered.</summary>
    /// <param name="copy">Give each parameter storage of its own (the end of training) rather than a view of the gathered
    /// vector.</param>
    public void Gather(bool copy = false)
    {
        if (_gathered) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < Buckets.Count; i++)
        {
            var full = empty(Buckets[i].PaddedLength, ScalarType.Float32);
            _collectives.AllGather(Shards[i].detach(), full);
            foreach (var (p, view) in Buckets[i].Views(full)) p.set_(copy ? view.clone() : view);
        }
        _gathered = true;
        _meter.Add(Bytes);
    }

    /// <summary>Points every parameter at empty storage (its gathered memory is freed once autograd lets go of it).</summary>
    public void Free()
    {
        if (!_gathered) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var b in Buckets)
            foreach (var (_, p) in b.Parameters) p.set_(empty(0, ScalarType.Float32));
        _gathered = false;
        _meter.Add(-Bytes);
    }

    /// <summary>shard.grad += this rank's chunk of Σ over ranks of the parameters' gradients, for each bucket; then the
    /// parameters' gradients are dropped. The caller zeroes the shards' gradients once per step and divides by N.</summary>
    public void ReduceGradients()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < Buckets.Count; i++)
        {
            var part = zeros(Buckets[i].ShardLength, ScalarType.Float32);
            _collectives.ReduceScatterSum(Buckets[i].Gradients(), part);
            var shard = Shards[i];
            if (shard.grad is { } g) g.add_(part);
            else shard.grad = part.clone();
        }
        foreach (var b in Buckets)
            foreach (var (_, p) in b.Parameters) p.grad = null;
    }
}

/// <summary>Bytes of ZeRO-3 parameters gathered at one time on this rank, and the most since <see cref="ResetPeak"/>.</summary>
internal sealed class GatherMeter
{
    /// <summary>Gathered now.</summary>
    public long Current { get; private set; }

    /// <summary>The most gathered at once.</summary>
    public long Peak { get; private set; }

    public void Add(long bytes)
    {
        Current += bytes;
        Peak = Math.Max(Peak, Current);
    }

    public void ResetPeak() => Peak = Current;
}
