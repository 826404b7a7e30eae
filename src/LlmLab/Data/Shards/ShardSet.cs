using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace LlmLab.Data.Shards;

/// <summary>
/// The shards of one split of a shard directory, opened for reading. Opening reads <c>index.json</c>, checks the
/// tokenizer when one is given, and checks every shard's header and length against the manifest (a missing or truncated
/// shard is reported by name at once). Tokens are read through a memory map of one shard at a time, never the whole set;
/// the first time a shard is read, its SHA-256 is computed and compared with the manifest's, so a corrupt shard is
/// reported by name and never silently read.
/// </summary>
/// <remarks>Owns the memory map of the shard being read; dispose it. Not thread-safe.</remarks>
public sealed class ShardSet : IDisposable
{
    readonly bool[] _verified;
    int _mapped = -1;
    ushort[] _u16 = [];
    uint[] _u32 = [];
    MemoryMappedFile? _map;
    MemoryMappedViewAccessor? _view;

    ShardSet(string directory, string split, ShardManifest manifest, string fingerprint)
    {
        (Directory, Split, Manifest, Fingerprint) = (directory, split, manifest, fingerprint);
        Shards = manifest.Split(split).Shards;
        _verified = new bool[Shards.Count];
    }

    /// <summary>The shard directory.</summary>
    public string Directory { get; }

    /// <summary>"train" or "val".</summary>
    public string Split { get; }

    /// <summary>The directory's manifest.</summary>
    public ShardManifest Manifest { get; }

    /// <summary>SHA-256 of <c>index.json</c>'s bytes: it covers every shard's hash, so it names this exact data.</summary>
    public string Fingerprint { get; }

    /// <summary>This split's shards, in order.</summary>
    public IReadOnlyList<ShardEntry> Shards { get; }

    /// <summary>Tokens over this split's shards.</summary>
    public long Tokens => Manifest.Split(Split).Tokens;

    /// <summary>Opens split <paramref name="split"/> of the shard directory <paramref name="directory"/>.</summary>
    /// <param name="directory">A directory written by <see cref="ShardBuilder"/>.</param>
    /// <param name="split">"train" or "val".</param>
    /// <param name="tokenizer">When given, the shards must have been made with this tokenizer.</param>
    /// <exception cref="InputException">No manifest, another tokenizer, a missing, foreign or truncated shard, or a header
    /// that disagrees with the manifest; the message names the file.</exception>
    public static ShardSet Open(string directory, string split = "train", TokenizerIdentity? tokenizer = null)
    {
        var manifest = ShardManifest.Load(directory);
        string indexPath = Path.Combine(directory, ShardManifest.FileName);
        if (tokenizer is not null) manifest.Tokenizer.RequireSame(tokenizer, indexPath);
        var set = new ShardSet(directory, split, manifest, TokenizerIdentity.Hex(SHA256.HashData(File.ReadAllBytes(indexPath))));
        foreach (var s in set.Shards)
        {
            string path = Path.Combine(directory, s.File);
            if (!File.Exists(path)) throw new InputException($"shard '{path}' listed in {indexPath} is missing; build the shards again");
            var (width, tokens, vocab) = ShardFormat.ReadHeader(path);
            if (width != manifest.Width || tokens != s.Tokens || vocab != manifest.Tokenizer.VocabSize)
                throw new InputException($"shard '{path}' does not match {indexPath}: its header says {ShardFormat.DtypeName(width)}, " +
                    $"{tokens:N0} tokens, vocabulary {vocab:N0}; the manifest says {manifest.Dtype}, {s.Tokens:N0}, " +
                    $"{manifest.Tokenizer.VocabSize:N0}");
        }
        return set;
    }

    /// <summary>Computes shard <paramref name="shard"/>'s SHA-256 (once per set) and compares it with the manifest's.</summary>
    /// <exception cref="InputException">It differs: the message names the shard.</exception>
    public void Verify(int shard)
    {
        if (_verified[shard]) return;
        var entry = Shards[shard];
        string path = Path.Combine(Directory, entry.File);
        string actual;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            actual = TokenizerIdentity.Hex(SHA256.HashData(fs));
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InputException(
                $"shard '{path}' is corrupt: its SHA-256 is {actual[..12]}…, index.json says " +
                $"{entry.Sha256[..Math.Min(12, entry.Sha256.Length)]}…; build the shards again");
        _verified[shard] = true;
    }

    /// <summary>Verifies every shard of the split (<see cref="Verify"/>).</summary>
    public void VerifyAll()
    {
        for (int i = 0; i < Shards.Count; i++) Verify(i);
    }

    /// <summary>Copies tokens [start, start + dest.Length) of shard <paramref name="shard"/> into <paramref name="dest"/>,
    /// verifying the shard first if this set has not yet.</summary>
    public void Read(int shard, long start, Span<int> dest)
    {
        if ((uint)shard >= (uint)Shards.Count) throw new ArgumentOutOfRangeException(nameof(shard));
        if (start < 0 || start + dest.Length > Shards[shard].Tokens)
            throw new ArgumentOutOfRangeException(nameof(start),
                $"tokens {start}..{start + dest.Length} are outside shard {shard} ({Shards[shard].Tokens} tokens)");
        var view = Map(shard);
        long offset = ShardFormat.HeaderBytes + start * Manifest.Width;
        if (Manifest.Width == 2)
        {
            if (_u16.Length < dest.Length) _u16 = new ushort[dest.Length];
            view.ReadArray(offset, _u16, 0, dest.Length); // the file is little-endian; ReadArray reads the machine's order
            for (int i = 0; i < dest.Length; i++)
                dest[i] = BitConverter.IsLittleEndian ? _u16[i] : BinaryPrimitives.ReverseEndianness(_u16[i]);
        }
        else
        {
            if (_u32.Length < dest.Length) _u32 = new uint[dest.Length];
            view.ReadArray(offset, _u32, 0, dest.Length);
            for (int i = 0; i < dest.Length; i++)
                dest[i] = (int)(BitConverter.IsLittleEndian ? _u32[i] : BinaryPrimitives.ReverseEndianness(_u32[i]));
        }
    }

    MemoryMappedViewAccessor Map(int shard)
    {
        if (_mapped == shard) return _view!;
        Verify(shard);
        Unmap();
        string path = Path.Combine(Directory, Shards[shard].File);
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _mapped = shard;
        return _view;
    }

    void Unmap()
    {
        _view?.Dispose();
        _map?.Dispose();
        (_view, _map, _mapped) = (null, null, -1);
    }

    public void Dispose() => Unmap();
}
