using System.Text;
using LlmLab.Tokenization;

namespace LlmLab.Interop;

/// <summary>
/// The BPE of Llama 2, Mistral and other SentencePiece-trained models as Hugging Face's <c>tokenizer.json</c> holds it
/// (<c>model.byte_fallback: true</c>): merges act on Unicode characters, not bytes; a space is spelled "▁" (U+2581, the
/// metaspace) and one is put before the text; a character missing from the vocabulary falls back to its UTF-8 bytes as
/// the tokens <c>&lt;0x00&gt;</c>…<c>&lt;0xFF&gt;</c>. Encoding, as the <c>tokenizers</c> library does it:
/// <list type="number">
/// <item>Split the text at added tokens (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, …), which map to their ids.</item>
/// <item>In each other segment, replace ' ' with '▁' and prepend '▁' as <see cref="MetaspacePrepend"/> says: to every segment
/// (Llama 2's <c>Prepend</c> normaliser), to every one that does not start with '▁', to the one at the start of the text only,
/// or never. With <c>split</c>, cut it into words before each '▁'.</item>
/// <item>Each character becomes its token; a missing one becomes its byte tokens (or <c>unk</c> when those are missing too,
/// consecutive ones fused when <c>fuse_unk</c>).</item>
/// <item>Repeatedly merge the adjacent pair with the lowest merge rank, the leftmost among equals, until none has a merge.</item>
/// </list>
/// Decoding concatenates the pieces with '▁' read as a space and byte tokens as bytes, then reads the bytes as UTF-8 (an
/// incomplete character becomes U+FFFD). It does not strip the space the encoder put in front (Hugging Face's <c>Strip</c>
/// decoder does, for whole texts): decoding chunk by chunk must equal decoding at once, as streaming needs, so
/// Decode(Encode(s)) = " " + s. No BOS is added (the <c>post_processor</c>'s <c>&lt;s&gt;</c> is the caller's to add).
/// Immutable and thread-safe.
/// </summary>
public sealed class ByteFallbackBpeTokenizer : ITokenizer
{
    /// <summary>The metaspace, SentencePiece's spelling of a space.</summary>
    public const char Metaspace = '\u2581';

    readonly string?[] _pieces;
    readonly Dictionary<string, int> _ids;
    readonly Dictionary<(int, int), (int Rank, int Id)> _merges;
    readonly int[] _byteIds;                  // <0xNN> → id, −1 when absent
    readonly Dictionary<int, byte> _byteOf;   // id → byte for <0xNN> tokens
    readonly Dictionary<string, int> _specials;
    readonly Dictionary<int, string> _specialById;
    readonly SpecialTokenMatcher _matcher;
    readonly int? _unk;
    readonly bool _fuseUnk, _ignoreMerges, _split;
    readonly MetaspacePrepend _prepend;

    /// <param name="vocab">Piece → id (pieces spelled with '▁').</param>
    /// <param name="merges">Merges in rank order, as pairs of pieces.</param>
    /// <param name="specials">Added tokens → ids (matched in the text before anything else).</param>
    /// <param name="unk">The unknown piece (<c>model.unk_token</c>), or null.</param>
    /// <param name="fuseUnk">Consecutive unknowns become one <c>unk</c>.</param>
    /// <param name="ignoreMerges">A word that is itself a piece is that piece, without merging.</param>
    /// <param name="prepend">Where a '▁' is put before a segment.</param>
    /// <param name="split">Cut segments into words before each '▁'.</param>
    /// <param name="source">Names the file in messages.</param>
    /// <exception cref="InputException">A merge naming a piece that is not in the vocabulary, or an unknown unk piece.</exception>
    public ByteFallbackBpeTokenizer(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IReadOnlyDictionary<string, int> specials, string? unk, bool fuseUnk, bool ignoreMerges, MetaspacePrepend prepend, bool split,
        string source)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        _ids = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        _specials = new Dictionary<string, int>(specials, StringComparer.Ordinal);
        _specialById = _specials.GroupBy(kv => kv.Value).ToDictionary(g => g.Key, g => g.First().Key);
        VocabSize = Math.Max(_ids.Count == 0 ? 0 : _ids.Values.Max() + 1, _specials.Count == 0 ? 0 : _specials.Values.Max() + 1);
        _pieces = new string?[VocabSize];
        foreach (var (piece, id) in _ids)
        {
            if (id < 0) throw new InputException($"{source}: piece '{piece}' has a negative id ({id})");
            _pieces[id] = piece;
        }
        _byteIds = new int[256];
        _byteOf = new Dictionary<int, byte>();
        for (int b = 0; b < 256; b++)
        {
            _byteIds[b] = _ids.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
            if (_byteIds[b] >= 0) _byteOf[_byteIds[b]] = (byte)b;
        }
        _merges = new Dictionary<(int, int), (int Rank, int Id)>();
        int rank = 0;
        foreach (var (left, right) in merges)
        {
            int l = Id(left, rank), r = Id(right, rank), made = Id(left + right, rank);
            _merges.TryAdd((l, r), (rank, made)); // a repeated pair keeps its first (lowest) rank
            rank++;
        }
        if (unk is not null)
            _unk = _ids.TryGetValue(unk, out int u) || _specials.TryGetValue(unk, out u) ? u
                : throw new InputException($"{source}: model.unk_token '{unk}' is not in the vocabulary");
        (_fuseUnk, _ignoreMerges, _prepend, _split) = (fuseUnk, ignoreMerges, prepend, split);
        _matcher = new SpecialTokenMatcher(_specials);

        int Id(string piece, int k) => _ids.TryGetValue(piece, out int v) ? v
            : throw new InputException($"{source}: merge {k} names '{piece}', which is not in model.vocab");
    }

    public int VocabSize { get; }

    /// <summary>The added tokens and their ids.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specials;

    /// <summary>The piece of <paramref name="id"/> as the vocabulary spells it ("▁the", "&lt;0x0A&gt;"), or null for an
    /// unused id or an added token.</summary>
    public string? Piece(int id) => (uint)id < (uint)_pieces.Length ? _pieces[id] : null;

    /// <summary>The ids of <paramref name="text"/> (added tokens recognised; no BOS).</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        int start = 0;
        while (start <= text.Length)
        {
            var rest = text.AsSpan(start);
            bool found = _matcher.TryFind(rest, out int index, out int length, out int special);
            int end = found ? start + index : text.Length;
            if (end > start) EncodeSegment(text[start..end], atStart: start == 0, ids);
            if (!found) break;
            ids.Add(special);
            start = end + length;
        }
        return ids.ToArray();
    }

    void EncodeSegment(string segment, bool atStart, List<int> ids)
    {
        string normalized = segment.Replace(' ', Metaspace);
        bool prepend = _prepend == MetaspacePrepend.Unconditional
            || (normalized[0] != Metaspace && (_prepend == MetaspacePrepend.Always || (_prepend == MetaspacePrepend.First && atStart)));
        if (prepend) normalized = Metaspace + normalized;
        if (!_split) { EncodeWord(normalized, ids); return; }
        int from = 0;
        for (int i = 1; i <= normalized.Length; i++)
            if (i == normalized.Length || normalized[i] == Metaspace)
            {
                EncodeWord(normalized[from..i], ids);
                from = i;
            }
    }

    /// <summary>Steps 3–4 for one word.</summary>
    void EncodeWord(string word, List<int> ids)
    {
        if (_ignoreMerges && _ids.TryGetValue(word, out int whole)) { ids.Add(whole); return; }
        var symbols = new List<int>(word.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in word.EnumerateRunes())
        {
            if (_ids.TryGetValue(rune.ToString(), out int id)) { symbols.Add(id); continue; }
            int n = rune.EncodeToUtf8(utf8);
            bool bytesKnown = true;
            for (int i = 0; i < n; i++) bytesKnown &= _byteIds[utf8[i]] >= 0;
            if (bytesKnown) { for (int i = 0; i < n; i++) symbols.Add(_byteIds[utf8[i]]); continue; }
            if (_unk is not { } unk) continue; // no unk token: the character is dropped, as tokenizers does
            if (_fuseUnk && symbols.Count > 0 && symbols[^1] == unk) continue;
            symbols.Add(unk);
        }
        ids.AddRange(BytePairMerge.Apply(symbols, _merges));
    }

    /// <summary>The text of <paramref name="ids"/>: pieces with '▁' as a space, byte tokens as bytes, read as UTF-8.</summary>
    /// <exception cref="InputException">An id is not in the vocabulary.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        using var bytes = new MemoryStream(ids.Length * 4);
        foreach (int id in ids)
        {
            if (_byteOf.TryGetValue(id, out byte b)) bytes.WriteByte(b);
            else if (_specialById.TryGetValue(id, out string? special)) bytes.Write(Encoding.UTF8.GetBytes(special));
            else if (Piece(id) is { } piece) bytes.Write(Encoding.UTF8.GetBytes(piece.Replace(Metaspace, ' ')));
            else throw new InputException($"token id {id} is not in the vocabulary (ids 0–{VocabSize - 1})");
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
