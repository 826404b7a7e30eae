using System.Runtime.CompilerServices;

namespace LlmLab.Tokenization;

/// <summary>
/// A read-only hash map from a pair of token ids (left, right) to the id of the token they merge into: the hot
/// lookup of byte-pair encoding. The pair is packed into one 64-bit key; open addressing with linear probing over
/// a power-of-two table at most half full, indexed by Fibonacci hashing (Knuth, TAOCP vol. 3, §6.4) — better spread
/// than <c>long.GetHashCode</c>, which XORs the halves and so collides (a, b) with (b, a). Thread-safe once built.
/// </summary>
internal sealed class PairTable
{
    const long Empty = -1; // ids are non-negative, so no real key is -1
    readonly long[] _keys;
    readonly int[] _values;
    readonly int _shift;
    readonly int _mask;

    /// <summary>Hashes packed pairs for <see cref="Dictionary{TKey,TValue}"/>: <c>long.GetHashCode</c> XORs the halves,
    /// so small ids collide massively (every (a, b) with the same a ^ b); this mixes all 64 bits.</summary>
    public static readonly IEqualityComparer<long> KeyComparer = new MixingComparer();

    sealed class MixingComparer : IEqualityComparer<long>
    {
        public bool Equals(long x, long y) => x == y;
        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }

    /// <param name="entries">Pairs and merged ids; a repeated pair keeps its last value.</param>
    public PairTable(IReadOnlyCollection<KeyValuePair<long, int>> entries)
    {
        int bits = 4;
        while ((1 << bits) < entries.Count * 2) bits++;
        _keys = new long[1 << bits];
        _values = new int[1 << bits];
        Array.Fill(_keys, Empty);
        _shift = 64 - bits;
        _mask = (1 << bits) - 1;
        foreach (var (key, value) in entries)
        {
            int slot = Slot(key);
            while (_keys[slot] != Empty && _keys[slot] != key) slot = (slot + 1) & _mask;
            _keys[slot] = key;
            _values[slot] = value;
        }
        Count = entries.Count;
    }

    public int Count { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>The merged id of (left, right), or <see cref="int.MaxValue"/> when the pair does not merge.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Get(int left, int right)
    {
        long key = Key(left, right);
        int slot = Slot(key);
        while (true)
        {
            long k = _keys[slot];
            if (k == key) return _values[slot];
            if (k == Empty) return int.MaxValue;
            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int Slot(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> _shift);
}
