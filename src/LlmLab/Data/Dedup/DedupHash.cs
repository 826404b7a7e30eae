using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LlmLab.Data.Dedup;

/// <summary>
/// The fast non-cryptographic 64-bit hashing the dedup pipeline is built on (our own, in the style of xxHash64: a
/// multiply-rotate round per 8 bytes and MurmurHash3's 64-bit finaliser, whose avalanche is well measured). Stable
/// across runs, processes and platforms (little-endian reads), so stage files can be reused. Not collision-resistant
/// against an adversary; two independent lanes make the 128-bit hash of exact dedup. Thread-safe (pure functions).
/// </summary>
public static class DedupHash
{
    // Odd 64-bit constants of xxHash64 (PRIME64_1, PRIME64_2): well-spread bits, odd so multiplying is a bijection.
    const ulong P1 = 0x9E3779B185EBCA87UL, P2 = 0xC2B2AE3D27D4EB4FUL;

    /// <summary>The two seeds of <see cref="Of128"/>'s lanes (arbitrary, fixed: changing them changes every stage file).</summary>
    const ulong LaneA = 0x243F6A8885A308D3UL, LaneB = 0x13198A2E03707344UL; // digits of π

    /// <summary>MurmurHash3's fmix64: a bijection of 64-bit words in which every input bit affects every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }

    /// <summary>The 64-bit hash of the UTF-16 code units of <paramref name="text"/>, under <paramref name="seed"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> text, ulong seed = 0)
    {
        var bytes = MemoryMarshal.AsBytes(text);
        ulong h = seed ^ P1 ^ ((ulong)bytes.Length * P2);
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
            h = BitOperations.RotateLeft(h ^ (BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]) * P2), 31) * P1;
        if (i < bytes.Length)
        {
            ulong tail = 0;
            for (int k = bytes.Length - 1; k >= i; k--) tail = (tail << 8) | bytes[k];
            h = BitOperations.RotateLeft(h ^ (tail * P2), 31) * P1;
        }
        return Mix(h);
    }

    /// <summary>The 128-bit hash of <paramref name="text"/> (two lanes of <see cref="Of"/> under different seeds).</summary>
    public static UInt128 Of128(ReadOnlySpan<char> text) => new(Of(text, LaneA), Of(text, LaneB));

    /// <summary>An order-sensitive combination of 64-bit values (a shingle of word hashes, a band of MinHash values).</summary>
    public static ulong Combine(ReadOnlySpan<ulong> values, ulong seed = 0)
    {
        ulong h = seed ^ P2 ^ ((ulong)values.Length * P1);
        foreach (ulong v in values) h = BitOperations.RotateLeft(h ^ (v * P2), 31) * P1;
        return Mix(h);
    }

    /// <summary>Combine over 32-bit values (the stored MinHash values of one LSH band).</summary>
    public static ulong Combine(ReadOnlySpan<uint> values, ulong seed = 0)
    {
        ulong h = seed ^ P2 ^ ((ulong)values.Length * P1);
        foreach (uint v in values) h = BitOperations.RotateLeft(h ^ (v * P2), 31) * P1;
        return Mix(h);
    }

    /// <summary>SplitMix64: the <paramref name="index"/>-th value of a seeded stream (the seeds of MinHash permutations).</summary>
    public static ulong SplitMix(ulong seed, int index)
    {
        ulong z = seed + (ulong)(index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
