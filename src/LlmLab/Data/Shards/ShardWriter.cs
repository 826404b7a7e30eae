using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace LlmLab.Data.Shards;

/// <summary>
/// Writes one split's tokens into shard files of at most <c>shardTokens</c> tokens each (<see cref="ShardFormat"/>):
/// "{split}-000000.bin", "{split}-000001.bin", … Tokens stream to disk; the header's count is written when a shard is
/// closed, then the file is hashed. Used inside a temporary directory that is renamed when the whole build is done, so
/// nothing half-written is ever visible. Not thread-safe.
/// </summary>
internal sealed class ShardWriter : IDisposable
{
    readonly string _directory, _split;
    readonly int _width, _vocab, _sources;
    readonly long _shardTokens;
    readonly List<ShardEntry> _done = [];
    readonly byte[] _buffer = new byte[1 << 16];
    FileStream? _file;
    string _name = "";
    long _tokens;
    long[] _sourceTokens;

    public ShardWriter(string directory, string split, int width, int vocabSize, long shardTokens, int sources)
    {
        if (shardTokens < 1) throw new ArgumentOutOfRangeException(nameof(shardTokens));
        (_directory, _split, _width, _vocab, _shardTokens, _sources) = (directory, split, width, vocabSize, shardTokens, sources);
        _sourceTokens = new long[sources];
    }

    /// <summary>Appends tokens from source <paramref name="source"/>, starting new shards as they fill.</summary>
    /// <exception cref="InvalidOperationException">A token is outside 0 … V−1 (a tokenizer bug, never user input).</exception>
    public void Append(ReadOnlySpan<int> tokens, int source)
    {
        while (!tokens.IsEmpty)
        {
            _file ??= Open();
            int take = (int)Math.Min(tokens.Length, _shardTokens - _tokens);
            Write(tokens[..take]);
            _tokens += take;
            _sourceTokens[source] += take;
            tokens = tokens[take..];
            if (_tokens == _shardTokens) Close();
        }
    }

    /// <summary>Closes the last shard and returns every shard written, in order.</summary>
    public ShardSplit Finish()
    {
        if (_file is not null) Close();
        return new ShardSplit(_done.Sum(s => s.Tokens), _done.ToList());
    }

    FileStream Open()
    {
        _name = string.Create(CultureInfo.InvariantCulture, $"{_split}-{_done.Count:D6}.bin");
        var fs = new FileStream(Path.Combine(_directory, _name), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        fs.Write(ShardFormat.Header(_width, 0, _vocab)); // the count is filled in by Close
        return fs;
    }

    void Write(ReadOnlySpan<int> tokens)
    {
        int perBuffer = _buffer.Length / _width;
        for (int start = 0; start < tokens.Length; start += perBuffer)
        {
            var part = tokens.Slice(start, Math.Min(perBuffer, tokens.Length - start));
            for (int i = 0; i < part.Length; i++)
            {
                int t = part[i];
                if ((uint)t >= (uint)_vocab) throw new InvalidOperationException($"token {t} is outside the vocabulary 0…{_vocab - 1}");
                if (_width == 2) BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(2 * i), (ushort)t);
                else BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(4 * i), (uint)t);
            }
            _file!.Write(_buffer, 0, part.Length * _width);
        }
    }

    void Close()
    {
        var fs = _file!;
        fs.Position = 0;
        fs.Write(ShardFormat.Header(_width, _tokens, _vocab));
        fs.Flush(flushToDisk: true);
        fs.Position = 0;
        string sha = TokenizerIdentity.Hex(SHA256.HashData(fs));
        fs.Dispose();
        _file = null;
        _done.Add(new ShardEntry(_name, _tokens, sha, _sourceTokens));
        _tokens = 0;
        _sourceTokens = new long[_sources];
    }

    public void Dispose() => _file?.Dispose();
}
