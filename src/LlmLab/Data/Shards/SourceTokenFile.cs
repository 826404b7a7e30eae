using System.Buffers.Binary;
using LlmLab.Text;
using LlmLab.Tokenization;

namespace LlmLab.Data.Shards;

/// <summary>
/// One source's tokens for one split, in a scratch file of int32 (little-endian) inside the build's temporary
/// directory: every document encoded and followed by the separator, in document order. Read back chunk by chunk.
/// Not thread-safe.
/// </summary>
internal sealed class SourceTokenFile : IDisposable
{
    readonly FileStream _file;
    byte[] _bytes = [];

    SourceTokenFile(FileStream file, long tokens) => (_file, Tokens) = (file, tokens);

    public long Tokens { get; }

    /// <summary>Encodes <paramref name="docs"/> into <paramref name="trainPath"/> and <paramref name="valPath"/>
    /// (documents go to validation by <see cref="CorpusSplit.IsValidation"/>).</summary>
    public static (SourceTokenFile Train, SourceTokenFile Val, long Documents, long ValDocuments) Encode(
        IEnumerable<Document> docs, ITokenizer tokenizer, int[] separator, double valFraction, string trainPath, string valPath)
    {
        using var train = new TokenSink(trainPath);
        using var val = new TokenSink(valPath);
        var ids = new List<int>(4096);
        long documents = 0, valDocuments = 0;
        foreach (var doc in docs)
        {
            ids.Clear();
            // Document text is data, never markup: "<|endoftext|>" inside it stays ordinary characters.
            if (tokenizer is BpeTokenizer bpe) bpe.EncodeTo(doc.Text, ids, allowSpecial: false);
            else ids.AddRange(tokenizer.Encode(doc.Text));
            ids.AddRange(separator);
            bool isVal = valFraction > 0 && CorpusSplit.IsValidation(doc.Id, valFraction);
            (isVal ? val : train).Write(ids);
            documents++;
            if (isVal) valDocuments++;
        }
        return (train.Reopen(), val.Reopen(), documents, valDocuments);
    }

    /// <summary>Tokens [start, start + count) into a reused buffer.</summary>
    public ReadOnlySpan<int> Read(long start, int count)
    {
        if (_bytes.Length < count * 4) _bytes = new byte[count * 4];
        _file.Position = start * 4;
        _file.ReadExactly(_bytes, 0, count * 4);
        var tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(4 * i));
        return tokens;
    }

    public void Dispose() => _file.Dispose();

    sealed class TokenSink(string path) : IDisposable
    {
        readonly FileStream _out = new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        readonly byte[] _buffer = new byte[4];
        long _tokens;

        public void Write(List<int> ids)
        {
            foreach (int id in ids)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_buffer, id);
                _out.Write(_buffer, 0, 4);
            }
            _tokens += ids.Count;
        }

        public SourceTokenFile Reopen()
        {
            _out.Dispose(); // closed before reopening for reading (it was opened without sharing)
            return new SourceTokenFile(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), _tokens);
        }

        public void Dispose() => _out.Dispose();
    }
}
