using System.Text;

namespace LlmLab.Text;

/// <summary>
/// The train/validation split of a corpus, decided per document by a stable hash of its id, so the split is the
/// same in every process, on every machine, and does not move when documents are added or removed elsewhere.
/// </summary>
/// <remarks>
/// The hash is FNV-1a 64 (Fowler–Noll–Vo, the 64-bit offset basis and prime of the published spec) over the id's
/// UTF-8 bytes, followed by the MurmurHash3 fmix64 finaliser so that ids differing only in their last characters
/// ("M:A.F(System.Int32)" and "M:A.F(System.Int64)") still land far apart. Not <see cref="string.GetHashCode()"/>:
/// that one is randomised per process. Thread-safe (pure functions).
/// </remarks>
public static class CorpusSplit
{
    /// <summary>The validation fraction used when none is given: 5%, a common hold-out size for LM corpora.</summary>
    public const double DefaultFraction = 0.05;

    /// <summary>True when the document with this id belongs to the validation part (about <paramref name="fraction"/> of ids).</summary>
    public static bool IsValidation(string documentId, double fraction = DefaultFraction)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        if (!(fraction >= 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the validation fraction must be between 0 and 1");
        return Unit(documentId) < fraction;
    }

    /// <summary>The id's hash mapped to [0, 1): the top 53 bits as a double.</summary>
    internal static double Unit(string documentId) => (Hash(documentId) >> 11) * (1.0 / (1UL << 53));

    /// <summary>FNV-1a 64 over UTF-8, then fmix64.</summary>
    internal static ulong Hash(string text)
    {
        const ulong offsetBasis = 14695981039346656037UL, prime = 1099511628211UL;
        Span<byte> stack = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > stack.Length ? new byte[max] : null;
        Span<byte> bytes = rented ?? stack;
        int n = Encoding.UTF8.GetBytes(text, bytes);
        ulong h = offsetBasis;
        foreach (byte b in bytes[..n]) { h ^= b; h *= prime; }
        // fmix64 (MurmurHash3): full avalanche of the last bytes into the top bits.
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
