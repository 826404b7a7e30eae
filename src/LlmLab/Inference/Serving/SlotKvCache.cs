using System.Globalization;
using LlmLab.Nn.Gpt;
using static TorchSharp.torch;

namespace LlmLab.Inference.Serving;

/// <summary>
/// A KV cache of fixed slots, one sequence per slot, each slot with its own length — what an iteration-level scheduler
/// needs, since the sequences of a running batch joined at different times and are at different lengths. Per layer,
/// keys and values live in one (slots, nkv, capacity, hs) tensor each (allocated on the first append). A slot's token i
/// is stored at index i, so index = position, as when the sequence runs alone. Two views feed the model:
/// <list type="number">
/// <item><see cref="Slot"/>: a B = 1 cache over one slot, for the prefill of a newly admitted prompt (a plain causal
/// forward, exactly what the sequence would see alone).</item>
/// <item><see cref="Rows"/>: a B = R cache over R slots for a decode step (one new token per row), with the
/// per-row positions (R, 1) and the (R, 1, 1, S) mask that hides each row's keys past its own length.</item>
/// </list>
/// Stale keys of a slot's previous occupant are never visible (the mask stops at the row's length), so freeing a slot
/// is just resetting its length. Owns its storage; dispose it. Not thread-safe (the scheduler's loop owns it).
/// </summary>
public sealed class SlotKvCache : IDisposable
{
    readonly Tensor?[] _keys, _values;   // (slots, nkv, capacity, hs) per layer
    readonly int[][] _lengths;           // [layer][slot]

    /// <param name="layers">The model's n_layer.</param>
    /// <param name="slots">Sequences held at once (the scheduler's max running sequences).</param>
    /// <param name="capacity">Tokens per slot (the model's n_positions).</param>
    public SlotKvCache(int layers, int slots, int capacity)
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), $"layers must be >= 1 (got {layers})");
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), $"slots must be >= 1 (got {slots})");
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), $"capacity must be >= 1 (got {capacity})");
        (Layers, Slots, Capacity) = (layers, slots, capacity);
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        _lengths = Enumerable.Range(0, layers).Select(_ => new int[slots]).ToArray();
    }

    public int Layers { get; }
    public int Slots { get; }
    public int Capacity { get; }

    /// <summary>Tokens stored in <paramref name="slot"/> (in every layer, between forwards).</summary>
    public int Length(int slot) => _lengths[0][slot];

    /// <summary>Tokens stored over all slots.</summary>
    public int TotalLength => _lengths[0].Sum();

    /// <summary>Bytes of allocated storage (0 before the first append).</summary>
    public long Bytes => _keys.Concat(_values).Sum(t => t is null ? 0 : t.NumberOfElements * t.ElementSize);

    /// <summary>Empties <paramref name="slot"/> (its storage is reused by the next sequence).</summary>
    public void Free(int slot)
    {
        CheckSlot(slot);
        foreach (var l in _lengths) l[slot] = 0;
    }

    /// <summary>A B = 1 view of <paramref name="slot"/> for <see cref="GptModel.Forward(Tensor, IKvCache?)"/>. Valid
    /// until the cache is disposed; owns nothing.</summary>
    public IKvCache Slot(int slot)
    {
        CheckSlot(slot);
        return new View(this, [slot]);
    }

    /// <summary>
    /// A B = R view of <paramref name="slots"/> (distinct) for one decode step of one token per row, with the row
    /// positions (R, 1) int64 and the visibility mask (R, 1, 1, S) bool, S = the longest row + 1: row r sees keys
    /// 0..len_r (its cached tokens and the new one), on <paramref name="device"/> (the model's; null = the CPU). The
    /// tensors are new; the caller disposes them (a dispose scope).
    /// </summary>
    public (IKvCache Cache, Tensor Positions, Tensor Mask) Rows(IReadOnlyList<int> slots, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Count == 0) throw new ArgumentException("a decode step needs at least one slot", nameof(slots));
        foreach (int s in slots) CheckSlot(s);
        var lens = slots.Select(s => (long)Length(s)).ToArray();
        if (lens.Any(l => l >= Capacity)) throw new InvalidOperationException($"a slot is full ({Capacity} tokens): the sequence should have finished");
        long s1 = lens.Max() + 1;
        var positions = tensor(lens, [slots.Count, 1], device: device);                                      // (R, 1)
        var keys = arange(s1, dtype: ScalarType.Int64, device: device).view(1, 1, 1, s1);
        var mask = keys <= positions.view(slots.Count, 1, 1, 1);                               // (R, 1, 1, S)
        return (new View(this, slots.ToArray()), positions, mask);
    }

    public void Dispose()
    {
        for (int i = 0; i < Layers; i++)
        {
            _keys[i]?.Dispose();
            _values[i]?.Dispose();
            _keys[i] = _values[i] = null;
        }
    }

    void CheckSlot(int slot)
    {
        if ((uint)slot >= (uint)Slots) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} is out of range 0..{Slots - 1}");
    }

    (Tensor Keys, Tensor Values) Append(int layer, int[] slots, Tensor k, Tensor v)
    {
        if ((uint)layer >= (uint)Layers) throw new ArgumentException($"layer {layer} is out of range: the cache holds {Layers} layers", nameof(layer));
        if (k.dim() != 4 || !k.shape.SequenceEqual(v.shape) || k.shape[0] != slots.Length)
            throw new ArgumentException($"keys and values must be (R = {slots.Length}, nkv, T, hs) of one shape; got ({Shape(k)}) and ({Shape(v)})");
        long heads = k.shape[1], t = k.shape[2], hs = k.shape[3];
        if (slots.Length > 1 && t != 1) throw new ArgumentException($"a multi-row step appends one token per row; got T = {t}");
        var lens = _lengths[layer];
        foreach (int s in slots)
            if (lens[s] + t > Capacity)
                throw new InvalidOperationException($"slot {s} holds {lens[s]} of {Capacity} tokens; {t} more do not fit");
        if (_keys[layer] is null)
        {
            _keys[layer] = zeros([Slots, heads, Capacity, hs], k.dtype, k.device).DetachFromDisposeScope();
            _values[layer] = zeros([Slots, heads, Capacity, hs], v.dtype, v.device).DetachFromDisposeScope();
        }
        Tensor keys = _keys[layer]!, values = _values[layer]!;
        if (keys.shape[1] != heads || keys.shape[3] != hs)
            throw new ArgumentException($"layer {layer} holds keys of shape ({Shape(keys)}) and cannot take ({Shape(k)})");
        using (no_grad())
            for (int r = 0; r < slots.Length; r++)
            {
                keys[slots[r]].narrow(1, lens[slots[r]], t).copy_(k[r]);                     // (nkv, T, hs)
                values[slots[r]].narrow(1, lens[slots[r]], t).copy_(v[r]);
            }
        foreach (int s in slots) lens[s] += (int)t;
        long s1 = slots.Max(s => lens[s]);
        if (IsRange(slots))                                                                    // a view, no copy
            return (keys.narrow(0, slots[0], slots.Length).narrow(2, 0, s1), values.narrow(0, slots[0], slots.Length).narrow(2, 0, s1));
        var idx = tensor(slots.Select(s => (long)s).ToArray(), device: keys.device);
        return (keys.narrow(2, 0, s1).index_select(0, idx), values.narrow(2, 0, s1).index_select(0, idx)); // (R, nkv, S, hs)
    }

    static bool IsRange(int[] slots)
    {
        for (int i = 1; i < slots.Length; i++) if (slots[i] != slots[0] + i) return false;
        return true;
    }

    static string Shape(Tensor t) => string.Join(", ", t.shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The <see cref="IKvCache"/> the model sees: some rows of the slot cache.</summary>
    sealed class View(SlotKvCache owner, int[] slots) : IKvCache
    {
        public int Layers => owner.Layers;

        // For one slot, the position of the next token (the model offsets a plain causal forward by it). For several
        // rows the model takes explicit positions; the shortest row is reported (not used for positions then).
        public int Length => slots.Min(owner.Length);

        public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v) => owner.Append(layer, slots, k, v);

        public void Reset()
        {
            foreach (int s in slots) owner.Free(s);
        }

        public void Dispose() { } // the owner holds the storage
    }
}
