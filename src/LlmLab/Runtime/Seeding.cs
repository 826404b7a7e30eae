using TorchSharp;

namespace LlmLab.Runtime;

/// <summary>
/// One seed drives every source of randomness in a run: libtorch's global generator and our own
/// <see cref="Random"/> streams, derived per purpose so adding a consumer does not shift the others.
/// </summary>
public static class Seeding
{
    /// <summary>Seeds libtorch's global CPU (and CUDA, when present) generators.</summary>
    public static void SeedTorch(long seed)
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    /// <summary>A deterministic <see cref="Random"/> for one named purpose (e.g. "split", "init").</summary>
    public static Random Stream(long seed, string purpose) => new(DeriveSeed(seed, purpose));

    /// <summary>Mixes a seed with a purpose name (FNV-1a then SplitMix64 finaliser) into a 31-bit seed.</summary>
    public static int DeriveSeed(long seed, string purpose)
    {
        ulong h = 14695981039346656037UL ^ (ulong)seed;
        foreach (char c in purpose) { h ^= c; h *= 1099511628211UL; }
        h ^= h >> 30; h *= 0xbf58476d1ce4e5b9UL; h ^= h >> 27; h *= 0x94d049bb133111ebUL; h ^= h >> 31;
        return (int)(h & 0x7fffffff);
    }
}
