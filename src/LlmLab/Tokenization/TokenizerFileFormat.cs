using System.Buffers.Binary;
using System.Text;
using LlmLab.Runtime;

namespace LlmLab.Tokenization;

/// <summary>
/// The envelope of our tokenizer files, version 1, little-endian:
/// <code>
/// offset  size  field
///      0     4  magic "LLTK"
///      4     2  format version (1)
///      6     1  kind (1 byte-level BPE, 2 character)
///      7     1  reserved (0)
///      8     8  payload length in bytes (int64)
///     16     n  payload (see BpeFile, CharTokenizer)
///   16+n     8  FNV-1a 64 of the payload
/// </code>
/// The length tells a truncated file from a corrupt one; the checksum catches flipped bytes. Files are written to a
/// temporary name and renamed (<see cref="AtomicFile"/>), so a reader never sees half a file.
/// </summary>
internal static class TokenizerFileFormat
{
    public const int Version = 1;
    public const byte KindBpe = 1, KindChar = 2;
    const int HeaderBytes = 16, TrailerBytes = 8;
    static ReadOnlySpan<byte> Magic => "LLTK"u8;

    /// <summary>Writes a file of <paramref name="kind"/> whose payload is written by <paramref name="payload"/>.</summary>
    public static void Write(string path, byte kind, Action<BinaryWriter> payload)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true)) payload(w);
        byte[] bytes = body.ToArray();
        var file = new byte[HeaderBytes + bytes.Length + TrailerBytes];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(4), Version);
        file[6] = kind;
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(8), bytes.Length);
        bytes.CopyTo(file, HeaderBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(HeaderBytes + bytes.Length), Fnv1a(bytes));
        AtomicFile.WriteAllBytes(path, file);
    }

    /// <summary>Reads the kind and the checked payload of a file.</summary>
    /// <exception cref="InputException">Missing, not ours, another version, truncated, or corrupt; the message names the file.</exception>
    public static (byte Kind, byte[] Payload) Read(string path)
    {
        if (!File.Exists(path)) throw new InputException($"tokenizer file '{path}' not found");
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < Magic.Length || !file.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InputException(
                $"'{path}' is not an llmlab tokenizer file (it does not start with \"LLTK\"); give a file written by 'llmlab tokenizer " +
                $"train', or gpt2 / cl100k_base");
        if (file.Length < HeaderBytes)
            throw new InputException(
                $"tokenizer file '{path}' is truncated: {file.Length} bytes, shorter than its {HeaderBytes}-byte header");
        int version = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(4));
        if (version != Version)
            throw new InputException($"tokenizer file '{path}' has format version {version}; this build reads version {Version}");
        byte kind = file[6];
        if (kind is not (KindBpe or KindChar))
            throw new InputException($"tokenizer file '{path}' is corrupt: unknown tokenizer kind {kind}");
        long length = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(8));
        long expected = HeaderBytes + length + TrailerBytes;
        if (length < 0 || file.Length < expected)
            throw new InputException(
                $"tokenizer file '{path}' is truncated: {file.Length:N0} bytes where the header promises {expected:N0}; write it again");
        if (file.Length > expected)
            throw new InputException(
                $"tokenizer file '{path}' is corrupt: {file.Length - expected:N0} bytes after the end its header gives");
        byte[] payload = file.AsSpan(HeaderBytes, (int)length).ToArray();
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(HeaderBytes + (int)length));
        if (stored != Fnv1a(payload))
            throw new InputException($"tokenizer file '{path}' is corrupt: its checksum does not match its content; write it again");
        return (kind, payload);
    }

    /// <summary>Runs <paramref name="parse"/> over a payload, turning a read past its end into an error naming the file
    /// (a payload that passed its checksum but does not parse was written by a broken writer).</summary>
    public static T Parse<T>(string path, byte[] payload, Func<BinaryReader, T> parse)
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        try
        {
            T result = parse(r);
            if (r.BaseStream.Position != payload.Length)
                throw new InputException(
                    $"tokenizer file '{path}' is corrupt: {payload.Length - r.BaseStream.Position} unread bytes at the end of its content");
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or DecoderFallbackException)
        {
            throw new InputException($"tokenizer file '{path}' is corrupt: its content ends early or is malformed ({e.Message})", e);
        }
    }

    /// <summary>A count read from a file, checked against what the rest of the payload could hold.</summary>
    public static int Count(BinaryReader r, string path, string what, int bytesEach)
    {
        int n = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (n < 0 || (long)n * bytesEach > left)
            throw new InputException($"tokenizer file '{path}' is corrupt: {what} count {n} does not fit in the file");
        return n;
    }

    /// <summary>FNV-1a 64 (Fowler–Noll–Vo; the published offset basis and prime).</summary>
    internal static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data) { h ^= b; h *= 1099511628211UL; }
        return h;
    }
}
