using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace LlmLab.Tokenization;

/// <summary>
/// The encoding engine behind <see cref="BpeTokenizer"/>: split text at special tokens, cut each segment into pieces
/// with the split pattern (<see cref="PreTokenizer"/>), and turn each piece into ids.
/// </summary>
/// <remarks>
/// <para>A piece becomes ids by the first of: (1) the whole piece is a token (a dictionary keyed by the token's text,
/// looked up by span, so no allocation); (2) the piece was seen before (a cache of pieces up to
/// <see cref="CacheMaxChars"/> characters); (3) byte-pair merging of its bytes (<see cref="Wtf8"/>,
/// <see cref="BytePairMerger"/>).</para>
/// <para>Rule (1) is looked up by text, as Microsoft.ML.Tokenizers does: tokens whose bytes are not well-formed UTF-8,
/// or that contain U+FFFD, are not in that dictionary, and a piece with a lone surrogate never matches it. (For such
/// a piece the merge could in principle give other ids than the whole token; matching the peer's order keeps ids equal.)</para>
/// <para>Thread-safe: everything is read-only except the cache, a <see cref="ConcurrentDictionary{TKey,TValue}"/>.</para>
/// </remarks>
internal sealed class BpeEncoder
{
    /// <summary>Pieces longer than this are not cached (rare, and they would crowd out the frequent short ones).</summary>
    public const int CacheMaxChars = 48;

    /// <summary>The cache is emptied when it reaches this many pieces, bounding memory on endless streams of new words.</summary>
    const int CacheCapacity = 100_000;

    readonly BytePairMerger _merger;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _words;
    readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    readonly PreTokenizer _pre;
    int _cacheCount; // ConcurrentDictionary.Count takes every lock; an approximate count is enough to bound the size

    /// <param name="tokens">The bytes of each token by id (null where an id is unused or special).</param>
    /// <param name="merger">The merger of these tokens.</param>
    /// <param name="pre">The split pattern's pre-tokenizer.</param>
    public BpeEncoder(IReadOnlyList<byte[]?> tokens, BytePairMerger merger, PreTokenizer pre)
    {
        _merger = merger;
        _pre = pre;
        var words = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Count; id++)
        {
            var bytes = tokens[id];
            if (bytes is null || !Utf8.IsValid(bytes)) continue;
            string text = Encoding.UTF8.GetString(bytes);
            if (!text.Contains('\uFFFD')) words.TryAdd(text, id);
        }
        _words = words.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/>; special tokens found by
    /// <paramref name="specials"/> (null: none) become their ids, the rest is ordinary text.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids, SpecialTokenMatcher? specials)
    {
        if (specials is not null && !specials.IsEmpty)
        {
            while (specials.TryFind(text, out int at, out int length, out int id))
            {
                EncodeOrdinary(text[..at], ids);
                ids.Add(id);
                text = text[(at + length)..];
            }
        }
        EncodeOrdinary(text, ids);
    }

    void EncodeOrdinary(ReadOnlySpan<char> text, List<int> ids)
    {
        if (text.IsEmpty) return;
        foreach (var piece in _pre.Split(text)) EncodePiece(piece, ids);
    }

    void EncodePiece(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_words.TryGetValue(piece, out int whole)) { ids.Add(whole); return; }
        bool cacheable = piece.Length <= CacheMaxChars;
        if (cacheable && _cacheLookup.TryGetValue(piece, out int[]? cached)) { ids.AddRange(cached); return; }

        int max = Wtf8.MaxBytes(piece.Length);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented is not null ? rented : stackalloc byte[512];
        int n = Wtf8.Encode(piece, buffer);
        int start = ids.Count;
        _merger.Merge(buffer[..n], ids);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);

        if (cacheable)
        {
            if (_cacheCount >= CacheCapacity) { _cache.Clear(); _cacheCount = 0; }
            if (_cacheLookup.TryAdd(piece, CollectionsMarshal.AsSpan(ids)[start..].ToArray())) Interlocked.Increment(ref _cacheCount);
        }
    }
}
