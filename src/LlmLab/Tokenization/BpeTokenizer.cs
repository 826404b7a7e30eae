using System.Text;
using LlmLab.Text;

namespace LlmLab.Tokenization;

/// <summary>
/// A byte-level BPE tokenizer (GPT-2 style): text is split at special tokens, cut into pieces by a split pattern
/// (<see cref="SplitPatterns"/>, run by <see cref="PreTokenizer"/>), and each piece's UTF-8 bytes are merged into
/// tokens. Every string can be encoded (256 byte tokens cover all bytes), and <c>Decode(Encode(s)) == s</c> for every
/// well-formed string.
/// </summary>
/// <remarks>
/// <para>Ids: ordinary tokens first (their id is also their merge rank), then special tokens. Our trainer gives bytes
/// the ids 0–255 and merges 256, 257, …; imported vocabularies keep their own ids (GPT-2's start with "!" = 0).</para>
/// <para>Make one by <see cref="Train(IEnumerable{string}, BpeTrainingOptions, IProgress{BpeTrainingProgress}?)"/>,
/// <see cref="Load"/>, <see cref="PretrainedTokenizers"/>, <see cref="TiktokenFormat"/> or <see cref="Gpt2Format"/>.
/// Immutable and thread-safe (the piece cache inside is concurrent).</para>
/// </remarks>
public sealed class BpeTokenizer : ITokenizer
{
    readonly byte[]?[] _tokens;
    readonly int[] _byteIds;
    readonly BpeMerge[] _merges;
    readonly Dictionary<string, int> _specials;
    readonly Dictionary<int, string> _specialById;
    readonly SpecialTokenMatcher _allSpecials;
    readonly BpeEncoder _encoder;

    /// <summary>From byte ids and merges (ascending ids); checks them and throws <see cref="InputException"/> naming
    /// <paramref name="source"/> when they do not make a vocabulary.</summary>
    internal BpeTokenizer(string name, string pattern, int[] byteIds, IReadOnlyList<BpeMerge> merges,
        IReadOnlyDictionary<string, int> specials, string source, (byte[]?[] Tokens, BytePairMerger Merger)? built = null)
    {
        if (built is null)
        {
            var (tokens, idOf) = BpeVocabulary.TokenBytes(byteIds, merges, source);
            built = (tokens, new BytePairMerger(tokens, byteIds, idOf));
        }
        _tokens = built.Value.Tokens;
        BpeVocabulary.CheckSpecials(specials, _tokens, source);
        (Name, Pattern, _byteIds, _merges) = (name, pattern, byteIds.ToArray(), merges.ToArray());
        _specials = new Dictionary<string, int>(specials, StringComparer.Ordinal);
        _specialById = _specials.ToDictionary(kv => kv.Value, kv => kv.Key);
        _allSpecials = new SpecialTokenMatcher(_specials);
        PreTokenizer pre;
        try { pre = PreTokenizer.For(pattern); }
        catch (InputException e) { throw new InputException($"{source}: {e.Message}", e); }
        _encoder = new BpeEncoder(_tokens, built.Value.Merger, pre);
        VocabSize = Math.Max(_tokens.Length, _specials.Count == 0 ? 0 : _specials.Values.Max() + 1);
    }

    /// <summary>A label for people: "gpt2", "cl100k_base", or the name given at training.</summary>
    public string Name { get; }

    /// <summary>The split regex (<see cref="SplitPatterns"/>); empty for none.</summary>
    public string Pattern { get; }

    public int VocabSize { get; }

    /// <summary>The merges by ascending id (= rank).</summary>
    public IReadOnlyList<BpeMerge> Merges => _merges;

    /// <summary>The special tokens and their ids.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specials;

    /// <summary>The id of each byte value 0–255.</summary>
    public IReadOnlyList<int> ByteIds => _byteIds;

    /// <summary>Encodes <paramref name="text"/>, turning every special token it contains into its id (the behaviour of
    /// Microsoft.ML.Tokenizers). Use <see cref="EncodeOrdinary"/> for untrusted text.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        _encoder.Encode(text, ids, _allSpecials);
        return ids.ToArray();
    }

    /// <summary>Encodes <paramref name="text"/> where only the <paramref name="allowedSpecial"/> tokens are special;
    /// the text of any other special token is encoded as ordinary text.</summary>
    /// <exception cref="InputException">A name in <paramref name="allowedSpecial"/> is not a special token of this tokenizer.</exception>
    public int[] Encode(string text, IEnumerable<string> allowedSpecial)
    {
        var allowed = allowedSpecial.Distinct(StringComparer.Ordinal).ToDictionary(s => s, SpecialTokenId, StringComparer.Ordinal);
        var ids = new List<int>(text.Length / 3 + 4);
        _encoder.Encode(text, ids, allowed.Count == _specials.Count ? _allSpecials : new SpecialTokenMatcher(allowed));
        return ids.ToArray();
    }

    /// <summary>Encodes <paramref name="text"/> with no special tokens: "&lt;|endoftext|&gt;" is just characters.</summary>
    public int[] EncodeOrdinary(string text)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        _encoder.Encode(text, ids, specials: null);
        return ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/> (no array per call: for bulk
    /// encoding). Special tokens are recognised when <paramref name="allowSpecial"/>.</summary>
    public void EncodeTo(ReadOnlySpan<char> text, List<int> ids, bool allowSpecial = true) =>
        _encoder.Encode(text, ids, allowSpecial ? _allSpecials : null);

    /// <summary>The id of special token <paramref name="text"/>.</summary>
    /// <exception cref="InputException">It is not one of this tokenizer's special tokens.</exception>
    public int SpecialTokenId(string text) => _specials.TryGetValue(text, out int id) ? id
        : throw new InputException($"unknown special token '{text}'; {Name} has " +
            (_specials.Count == 0 ? "no special tokens" : string.Join(", ", _specials.OrderBy(kv => kv.Value).Select(kv => kv.Key))));

    /// <summary>The bytes of token <paramref name="id"/> (UTF-8 of the text for a special token).</summary>
    /// <exception cref="InputException">The id is not in the vocabulary.</exception>
    public byte[] TokenBytes(int id)
    {
        if ((uint)id < (uint)_tokens.Length && _tokens[id] is { } bytes) return bytes.ToArray();
        if (_specialById.TryGetValue(id, out string? special)) return Encoding.UTF8.GetBytes(special);
        throw UnknownId(id);
    }

    /// <summary>True when <paramref name="id"/> is an ordinary token (not special, not an unused id).</summary>
    public bool HasToken(int id) => (uint)id < (uint)_tokens.Length && _tokens[id] is not null;

    /// <summary>True when <paramref name="id"/> is a special token.</summary>
    public bool IsSpecial(int id) => _specialById.ContainsKey(id);

    /// <summary>The bytes of <paramref name="ids"/> end to end.</summary>
    /// <exception cref="InputException">An id is not in the vocabulary.</exception>
    public byte[] DecodeBytes(ReadOnlySpan<int> ids)
    {
        using var buffer = new MemoryStream(ids.Length * 4);
        foreach (int id in ids)
        {
            if ((uint)id < (uint)_tokens.Length && _tokens[id] is { } bytes) buffer.Write(bytes);
            else if (_specialById.TryGetValue(id, out string? special)) buffer.Write(Encoding.UTF8.GetBytes(special));
            else throw UnknownId(id);
        }
        return buffer.ToArray();
    }

    /// <summary>The text of <paramref name="ids"/>; bytes that are not well-formed UTF-8 (a token sequence cut inside a
    /// character, or text that had lone surrogates) become U+FFFD.</summary>
    /// <exception cref="InputException">An id is not in the vocabulary.</exception>
    public string Decode(ReadOnlySpan<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    InputException UnknownId(int id) =>
        new($"token id {id} is not in the vocabulary of {Name} (ids " +
        $"0–{VocabSize - 1}{(id >= 0 && id < VocabSize ? ", this one unused" : "")})");

    /// <summary>Trains a tokenizer on <paramref name="texts"/> (see <see cref="BpeTrainer"/>).</summary>
    public static BpeTokenizer Train(IEnumerable<string> texts, BpeTrainingOptions options,
        IProgress<BpeTrainingProgress>? progress = null) =>
        BpeTrainer.Train(texts, options, progress);

    /// <summary>Trains a tokenizer on the documents of <paramref name="source"/>.</summary>
    public static BpeTokenizer Train(IDocumentSource source, BpeTrainingOptions options, IProgress<BpeTrainingProgress>? progress = null) =>
        BpeTrainer.Train(source.Read().Select(d => d.Text), options, progress);

    /// <summary>Writes this tokenizer to <paramref name="path"/> in our binary format (<see cref="BpeFile"/>), atomically.</summary>
    public void Save(string path) => BpeFile.Write(this, path);

    /// <summary>Reads a tokenizer written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">The file is missing, not a tokenizer, of another version, truncated or corrupt.</exception>
    public static BpeTokenizer Load(string path) => BpeFile.Read(path);
}
