using System.Runtime.InteropServices;

namespace LlmLab.Data.Dedup;

/// <summary>
/// signatures.bin and shingles.bin, the signatures stage's outputs. After the header (see <see cref="StageFile"/>):
/// signatures.bin has int64 N, int32 k, then N records (id as a length-prefixed UTF-8 string, 128-bit exact hash as
/// two uint64 (low, high), int32 chars, int32 UTF-8 bytes, int32 shingle count, k × uint32 MinHash values);
/// shingles.bin has int64 N, then N records (int32 count, count × uint64 sorted shingle hashes). Both share one run id.
/// </summary>
internal static class SignatureFile
{
    public const string Magic = "LLMS", ShinglesMagic = "LLSH";
    public const string SignaturesName = "signatures.bin", ShinglesName = "shingles.bin";
    public const string MadeBy = "signatures";

    public static void WriteRecord(BinaryWriter w, SignatureRecord r)
    {
        w.Write(r.Id);
        w.Write((ulong)r.ExactHash);
        w.Write((ulong)(r.ExactHash >> 64));
        w.Write(r.Chars);
        w.Write(r.Bytes);
        w.Write(r.ShingleCount);
        w.Write(MemoryMarshal.AsBytes(r.Signature.AsSpan()));
    }

    public static void WriteShingles(BinaryWriter w, ulong[] shingles)
    {
        w.Write(shingles.Length);
        w.Write(MemoryMarshal.AsBytes(shingles.AsSpan()));
    }

    /// <summary>An open signatures.bin positioned at its first record.</summary>
    public sealed class Reader : IDisposable
    {
        readonly BinaryReader _r;
        readonly byte[] _sigBytes;

        public Reader(string path)
        {
            Path = path;
            _r = StageFile.Open(path, MadeBy);
            Header = StageFile.ReadHeader(_r, path, Magic, MadeBy);
            (Count, Permutations) = StageFile.Guard(path, MadeBy, () => (_r.ReadInt64(), _r.ReadInt32()));
            _sigBytes = new byte[Permutations * 4];
        }

        public string Path { get; }
        public StageHeader Header { get; }
        public long Count { get; }
        public int Permutations { get; }

        /// <summary>The next record; reading past <see cref="Count"/> or a cut file is an <see cref="InputException"/>.</summary>
        public SignatureRecord Next() => StageFile.Guard(Path, MadeBy, () =>
        {
            string id = _r.ReadString();
            ulong lo = _r.ReadUInt64(), hi = _r.ReadUInt64();
            int chars = _r.ReadInt32(), bytes = _r.ReadInt32(), shingles = _r.ReadInt32();
            var sig = new uint[Permutations];
            _r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(sig.AsSpan()));
            return new SignatureRecord(id, new UInt128(hi, lo), chars, bytes, shingles, sig);
        });

        public void Dispose() => _r.Dispose();
    }

    /// <summary>An open shingles.bin positioned at its first record.</summary>
    public sealed class ShinglesReader : IDisposable
    {
        readonly BinaryReader _r;

        public ShinglesReader(string path)
        {
            Path = path;
            _r = StageFile.Open(path, MadeBy);
            Header = StageFile.ReadHeader(_r, path, ShinglesMagic, MadeBy);
            Count = StageFile.Guard(path, MadeBy, _r.ReadInt64);
        }

        public string Path { get; }
        public StageHeader Header { get; }
        public long Count { get; }

        /// <summary>The next document's shingles, or null to skip them cheaply (<paramref name="keep"/> false).</summary>
        public ulong[]? Next(bool keep) => StageFile.Guard(Path, MadeBy, () =>
        {
            int n = _r.ReadInt32();
            if (n < 0) throw new InputException($"'{Path}' is damaged (a negative shingle count); run the {MadeBy} stage again");
            if (!keep) { _r.BaseStream.Seek(8L * n, SeekOrigin.Current); return null; }
            var s = new ulong[n];
            _r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(s.AsSpan()));
            return s;
        });

        public void Dispose() => _r.Dispose();
    }
}
