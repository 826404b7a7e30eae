using System.Globalization;
using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// The simplest <see cref="IKvCache"/>: per layer, one preallocated (B, nkv, capacity, hs) tensor for keys and one for
/// values, filled from the left (as Hugging Face's static cache). Storage is allocated on the first append, with the
/// batch, heads, head size, dtype and device of the tensors given, so the same class serves any model; it costs
/// 2 · layers · B · nkv · capacity · hs elements whatever the sequence's length. Stores detached copies (inference
/// only). Owns its storage; dispose it. Not thread-safe.
/// </summary>
public sealed class ContiguousKvCache : IKvCache
{
    readonly Tensor?[] _keys, _values;   // (B, nkv, capacity, hs) per layer, or null before the first append
    readonly int[] _lengths;

    /// <param name="layers">The model's n_layer.</param>
    /// <param name="capacity">The most tokens the cache will hold (at most the model's n_positions).</param>
    public ContiguousKvCache(int layers, int capacity)
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), $"layers must be >= 1 (got {layers})");
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), $"capacity must be >= 1 (got {capacity})");
        Layers = layers;
        Capacity = capacity;
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        _lengths = new int[layers];
    }

    /// <summary>A cache for <paramref name="config"/>'s layers and full context.</summary>
    public static ContiguousKvCache For(GptConfig config) => new(config.Layers, config.Context);

    public int Layers { get; }

    /// <summary>The most tokens the cache holds.</summary>
    public int Capacity { get; }

    public int Length => _lengths.Min();

    /// <summary>Bytes of allocated storage (0 before the first append).</summary>
    public long Bytes => _keys.Concat(_values).Sum(t => t is null ? 0 : t.NumberOfElements * t.ElementSize);

    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        if ((uint)layer >= (uint)Layers) throw new ArgumentException($"layer {layer} is out of range: the cache holds {Layers} layers", nameof(layer));
        if (k.dim() != 4 || !k.shape.SequenceEqual(v.shape))
            throw new ArgumentException($"keys and values must be (B, nkv, T, hs) of one shape; got ({Shape(k)}) and ({Shape(v)})");
        long b = k.shape[0], heads = k.shape[1], t = k.shape[2], hs = k.shape[3];
        int length = _lengths[layer];
        if (length + t > Capacity)
            throw new InvalidOperationException($"the KV cache holds {Capacity} tokens; {length} are stored and {t} more do not fit: " +
                "reset it, or build it with a larger capacity (at most the model's n_positions)");
        if (_keys[layer] is null)
        {
            _keys[layer] = zeros([b, heads, Capacity, hs], k.dtype, k.device).DetachFromDisposeScope();
            _values[layer] = zeros([b, heads, Capacity, hs], v.dtype, v.device).DetachFromDisposeScope();
        }
        Tensor keys = _keys[layer]!, values = _values[layer]!;
        if (keys.shape[0] != b || keys.shape[1] != heads || keys.shape[3] != hs)
            throw new ArgumentException($"layer {layer} holds keys of shape ({Shape(keys)}) and cannot take ({Shape(k)}): one cache per batch and model");
        using (no_grad())
        {
            keys.narrow(2, length, t).copy_(k);
            values.narrow(2, length, t).copy_(v);
        }
        _lengths[layer] = length + (int)t;
        return (keys.narrow(2, 0, length + t), values.narrow(2, 0, length + t)); // (B, nkv, T_cached + T_new, hs)
    }

    public void Reset() => Array.Clear(_lengths);

    /// <summary>
    /// Forgets every token after the first <paramref name="length"/> (in every layer), keeping storage: what speculative
    /// decoding does with the keys of rejected draft tokens.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A length below 0 or above what the cache holds.</exception>
    public void Truncate(int length)
    {
        if (length < 0 || length > Length)
            throw new ArgumentOutOfRangeException(nameof(length), $"can keep 0..{Length} tokens (the cache holds {Length}); got {length}");
        Array.Fill(_lengths, length);
    }

    public void Dispose()
    {
        for (int i = 0; i < Layers; i++)
        {
            _keys[i]?.Dispose();
            _values[i]?.Dispose();
            _keys[i] = _values[i] = null;
        }
        Array.Clear(_lengths);
    }

    static string Shape(Tensor t) => string.Join(", ", t.shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}
