using System.Numerics;

namespace LlmLab.Data.Dedup;

/// <summary>
/// MinHash signatures (Broder 1997): for each of k seeded permutations π_i of the 64-bit hash space, the minimum of
/// π_i over a document's shingle hashes. Two documents agree at position i with probability equal to the Jaccard
/// similarity of their shingle sets, so the fraction of agreeing positions estimates it with standard deviation
/// √(J(1−J)/k).
/// </summary>
/// <remarks>
/// π_i(x) = fmix64(x ⊕ s_i), with s_i the i-th SplitMix64 value of the seed: XOR with a constant and MurmurHash3's
/// finaliser are both bijections, so each π_i is a true permutation, and a different nonlinear one per seed (datasketch
/// instead uses (a·x + b) mod (2^61 − 1) on 32-bit hashes; the property MinHash needs is the same: min-wise
/// independence, approximately). The minimum is taken over 64 bits and its high 32 bits are stored (a signature of
/// 128 permutations is 512 bytes); two different minima share their high 32 bits with probability 2^−32.
/// Vectorised over permutations with <see cref="Vector{T}"/>. Immutable and thread-safe.
/// </remarks>
public sealed class MinHasher
{
    readonly ulong[] _seeds;

    /// <param name="permutations">Signature length k (128 or 256 are usual).</param>
    /// <param name="seed">Chooses the permutations; signatures compare only under the same seed and k.</param>
    public MinHasher(int permutations, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        Permutations = permutations;
        Seed = seed;
        // Padded to a whole number of vectors; the padding lanes are computed and ignored.
        int width = Vector<ulong>.Count;
        _seeds = new ulong[(permutations + width - 1) / width * width];
        for (int i = 0; i < _seeds.Length; i++) _seeds[i] = DedupHash.SplitMix(seed, i);
    }

    public int Permutations { get; }
    public ulong Seed { get; }

    /// <summary>Writes the signature of the shingle set <paramref name="shingles"/> to <paramref name="signature"/>
    /// (length <see cref="Permutations"/>). An empty set gives all <see cref="uint.MaxValue"/>.</summary>
    public void Signature(ReadOnlySpan<ulong> shingles, Span<uint> signature)
    {
        if (signature.Length != Permutations)
            throw new ArgumentException($"signature must hold {Permutations} values (got {signature.Length})", nameof(signature));
        int width = Vector<ulong>.Count;
        Span<ulong> mins = _seeds.Length <= 1024 ? stackalloc ulong[_seeds.Length] : new ulong[_seeds.Length];
        mins.Fill(ulong.MaxValue);
        var c1 = new Vector<ulong>(0xFF51AFD7ED558CCDUL);
        var c2 = new Vector<ulong>(0xC4CEB9FE1A85EC53UL);
        foreach (ulong x in shingles)
        {
            var vx = new Vector<ulong>(x);
            for (int p = 0; p < _seeds.Length; p += width)
            {
                // fmix64(x ^ s_p), one lane per permutation.
                var h = vx ^ new Vector<ulong>(_seeds.AsSpan(p, width));
                h ^= h >>> 33;
                h *= c1;
                h ^= h >>> 33;
                h *= c2;
                h ^= h >>> 33;
                var m = new Vector<ulong>(mins.Slice(p, width));
                Vector.Min(m, h).CopyTo(mins.Slice(p, width));
            }
        }
        for (int i = 0; i < Permutations; i++) signature[i] = (uint)(mins[i] >> 32);
    }

    /// <summary>A new signature array for <paramref name="shingles"/>.</summary>
    public uint[] Signature(ReadOnlySpan<ulong> shingles)
    {
        var s = new uint[Permutations];
        Signature(shingles, s);
        return s;
    }

    /// <summary>The MinHash estimate of Jaccard similarity: the fraction of positions where two signatures agree.</summary>
    public static double Estimate(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException($"signatures must have the same non-zero length (got {a.Length} and {b.Length})");
        int same = 0;
        for (int i = 0; i < a.Length; i++) if (a[i] == b[i]) same++;
        return same / (double)a.Length;
    }
}
