namespace LlmLab.Data.Mixture;

/// <summary>
/// Deterministic shuffles from a 64-bit seed: Fisher–Yates (Knuth, TAOCP vol. 2, Algorithm P) driven by SplitMix64
/// (Steele, Lea and Flood 2014, the generator of Java's SplittableRandom). Written out here rather than taken from
/// <see cref="Random"/> so the order is specified by this file alone, identical on every runtime, and can be reproduced
/// in another language from the docs. Pure functions; thread-safe.
/// </summary>
public static class SeededPermutation
{
    /// <summary>A permutation of 0 … n−1 determined by <paramref name="seed"/>.</summary>
    public static int[] Of(int n, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        ulong state = seed;
        for (int i = n - 1; i > 0; i--)
        {
            // j uniform in 0..i; the modulo bias is below (i+1)/2^64, negligible for any array that fits in memory.
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>A seed for one use, mixed from the run's seed, a purpose and two indices (e.g. epoch and shard), so
    /// every (purpose, epoch, shard) gets an independent stream.</summary>
    public static ulong Derive(long seed, string purpose, long a = 0, long b = 0)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ulong h = Mix((ulong)seed);
        foreach (char c in purpose) h = Mix(h ^ c);
        h = Mix(h ^ (ulong)a);
        return Mix(h ^ (ulong)b);
    }

    /// <summary>SplitMix64's step: advance the state by the golden-ratio increment and finalise it.</summary>
    internal static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    // SplitMix64's finaliser (a variant of MurmurHash3's fmix64 with Stafford's "Mix13" constants).
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
