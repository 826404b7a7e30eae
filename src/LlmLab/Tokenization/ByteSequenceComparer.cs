using System.Buffers.Binary;

namespace LlmLab.Tokenization;

/// <summary>Compares byte arrays by content, and looks them up by a span without allocating (a .NET 9 alternate
/// comparer: <c>dictionary.GetAlternateLookup&lt;ReadOnlySpan&lt;byte&gt;&gt;()</c>). Thread-safe.</summary>
/// <remarks>The hash reads 8 bytes at a time and mixes with a multiply-xorshift (the finaliser of MurmurHash3's
/// fmix64): tokens are short (a few bytes), and <see cref="HashCode.AddBytes"/> costs several times more on them,
/// which showed when building the pair table of a 100k-token vocabulary (about a million lookups).</remarks>
internal sealed class ByteSequenceComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteSequenceComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

    public int GetHashCode(ReadOnlySpan<byte> bytes)
    {
        ulong h = (ulong)bytes.Length * 0x9E3779B97F4A7C15UL;
        while (bytes.Length >= 8)
        {
            h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (8 * i);
        return (int)Mix(h ^ tail ^ 0x5BD1E995UL);
    }

    static ulong Mix(ulong h)
    {
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53UL;
        return h ^ (h >> 33);
    }

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
