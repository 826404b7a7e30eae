using System.Buffers.Binary;

namespace LlmLab.Data.Shards;

/// <summary>
/// The layout of one token shard file, version 1, little-endian (docs/part-05.md, "Lab 5.3", has the same table):
/// <code>
/// offset  size  field
///      0     4  magic "LLTS" (LlmLab token shard)
///      4     2  format version (1)
///      6     1  bytes per token: 2 (uint16) or 4 (uint32)
///      7     1  reserved (0)
///      8     8  token count N (int64)
///     16     4  vocabulary size V of the tokenizer (int32); every token is &lt; V
///     20    12  reserved (0)
///     32  N·w   the tokens, w = 2 or 4 bytes each
/// </code>
/// The 32-byte header keeps the token array aligned for both widths, so it can be memory-mapped and read in place (as
/// llm.c's and nanoGPT's .bin shards are; theirs have a 1,024-byte header and always uint16). A file's length must be
/// exactly 32 + N·w: a shorter one is truncated. Its SHA-256 is kept in <c>index.json</c>. Thread-safe (pure functions).
/// </summary>
public static class ShardFormat
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Bytes before the first token.</summary>
    public const int HeaderBytes = 32;

    /// <summary>The largest vocabulary whose ids fit in uint16 (ids 0 … 65,535).</summary>
    public const int MaxUInt16Vocab = 65_536;

    /// <summary>The four bytes every shard starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "LLTS"u8;

    /// <summary>Bytes per token for a vocabulary of <paramref name="vocabSize"/> ids: 2 when every id fits in uint16, else 4.</summary>
    public static int WidthFor(int vocabSize)
    {
        if (vocabSize < 1) throw new ArgumentOutOfRangeException(nameof(vocabSize), $"the vocabulary size must be >= 1 (got {vocabSize})");
        return vocabSize <= MaxUInt16Vocab ? 2 : 4;
    }

    /// <summary>"uint16" or "uint32", the name index.json uses.</summary>
    public static string DtypeName(int width) => width switch
    {
        2 => "uint16",
        4 => "uint32",
        _ => throw new ArgumentOutOfRangeException(nameof(width), $"a token is 2 or 4 bytes (got {width})"),
    };

    /// <summary>The header of a shard of <paramref name="tokens"/> tokens.</summary>
    public static byte[] Header(int width, long tokens, int vocabSize)
    {
        DtypeName(width);
        var h = new byte[HeaderBytes];
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4), Version);
        h[6] = (byte)width;
        BinaryPrimitives.WriteInt64LittleEndian(h.AsSpan(8), tokens);
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(16), vocabSize);
        return h;
    }

    /// <summary>Reads and checks the header of shard <paramref name="path"/>, and that the file's length matches it.</summary>
    /// <returns>Bytes per token, token count and vocabulary size.</returns>
    /// <exception cref="InputException">Missing, not a shard, another version, or truncated; the message names the file.</exception>
    public static (int Width, long Tokens, int VocabSize) ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new InputException($"shard '{path}' is missing; build the shards again (llmlab data shard)");
        long length = new FileInfo(path).Length;
        var h = new byte[HeaderBytes];
        int read;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            read = fs.ReadAtLeast(h, HeaderBytes, throwOnEndOfStream: false);
        if (read < Magic.Length || !h.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InputException($"'{path}' is not an llmlab token shard (it does not start with \"LLTS\")");
        if (read < HeaderBytes)
            throw new InputException($"shard '{path}' is truncated: {length:N0} bytes, shorter than its {HeaderBytes}-byte header");
        int version = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(4));
        if (version != Version)
            throw new InputException($"shard '{path}' has format version {version}; this build reads version {Version}");
        int width = h[6];
        if (width is not (2 or 4)) throw new InputException($"shard '{path}' is corrupt: {width} bytes per token (expected 2 or 4)");
        long tokens = BinaryPrimitives.ReadInt64LittleEndian(h.AsSpan(8));
        int vocab = BinaryPrimitives.ReadInt32LittleEndian(h.AsSpan(16));
        if (tokens < 0 || vocab < 1) throw new InputException($"shard '{path}' is corrupt: token count {tokens}, vocabulary {vocab}");
        long expected = HeaderBytes + tokens * width;
        if (length < expected)
            throw new InputException(
                $"shard '{path}' is truncated: {length:N0} bytes where its header promises {expected:N0} ({tokens:N0} " +
                $"tokens); build the shards again");
        if (length > expected)
            throw new InputException(
                $"shard '{path}' is corrupt: {length - expected:N0} bytes after the {tokens:N0} tokens its header gives");
        return (width, tokens, vocab);
    }
}
