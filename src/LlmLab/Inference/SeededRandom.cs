namespace LlmLab.Inference;

/// <summary>
/// The random stream of one request, from its 64-bit seed. A seed that fits in 32 bits gets <see cref="Random"/>'s own
/// seeded stream (what every seeded result before 64-bit seeds was made with, so those stay reproducible); any other
/// seed gets SplitMix64 (Steele, Lea and Flood 2014, the generator java.util.SplittableRandom uses) started from all 64
/// bits, so seeds 0, 2^32 and 2^40 give different streams instead of colliding after a cast. Not thread-safe (one per
/// request).
/// </summary>
public static class SeededRandom
{
    /// <summary>A new stream for <paramref name="seed"/>.</summary>
    public static Random Create(long seed) => seed is >= int.MinValue and <= int.MaxValue ? new Random((int)seed) : new SplitMix64(seed);

    /// <summary>SplitMix64: a Weyl sequence (golden-ratio increment) through a 64-bit finaliser (MurmurHash3's
    /// constants as tuned by Stafford, variant 13). <see cref="Random"/>'s other methods derive from <see cref="Sample"/>.</summary>
    sealed class SplitMix64(long seed) : Random
    {
        ulong _state = unchecked((ulong)seed);

        ulong Next64()
        {
            ulong z = _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }

        /// <summary>53 random bits as a double in [0, 1).</summary>
        protected override double Sample() => (Next64() >> 11) * (1.0 / (1UL << 53));

        public override double NextDouble() => Sample();

        public override int Next() => (int)(Next64() >> 33);

        public override int Next(int maxValue)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
            return (int)(Sample() * maxValue);
        }

        public override int Next(int minValue, int maxValue)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
            return (int)(minValue + (long)(Sample() * ((long)maxValue - minValue)));
        }
    }
}
