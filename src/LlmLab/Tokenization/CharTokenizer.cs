using System.Globalization;
using System.Text;

namespace LlmLab.Tokenization;

/// <summary>
/// A character-level tokenizer (char-rnn, nanoGPT's shakespeare_char): one id per Unicode character (scalar value, so
/// an emoji outside the BMP is one character, not two surrogates) seen in the corpus, ids in code-point order
/// (deterministic and independent of frequencies, as nanoGPT's <c>sorted(set(text))</c>). With
/// <see cref="UnknownCharPolicy.Unk"/> one more id, the last, stands for any unseen character.
/// </summary>
/// <remarks>Lone surrogates in text are read as U+FFFD (the .NET rune decoder's replacement). Immutable, thread-safe.
/// File: kind 2 of <see cref="TokenizerFileFormat"/>; payload = policy (byte), count (int32), code points (int32 each,
/// ascending).</remarks>
public sealed class CharTokenizer : ITokenizer
{
    readonly int[] _codePoints;
    readonly Dictionary<int, int> _ids;

    /// <param name="codePoints">The characters, any order, no duplicates.</param>
    /// <param name="policy">What to do with characters not in the vocabulary.</param>
    public CharTokenizer(IEnumerable<int> codePoints, UnknownCharPolicy policy = UnknownCharPolicy.Error)
    {
        _codePoints = codePoints.Order().ToArray();
        foreach (int cp in _codePoints)
            if (!Rune.IsValid(cp)) throw new ArgumentException($"{cp} (0x{cp:X}) is not a Unicode scalar value", nameof(codePoints));
        _ids = new Dictionary<int, int>(_codePoints.Length);
        for (int i = 0; i < _codePoints.Length; i++)
            if (!_ids.TryAdd(_codePoints[i], i)) throw new ArgumentException($"U+{_codePoints[i]:X4} is given twice", nameof(codePoints));
        Policy = policy;
    }

    /// <summary>The vocabulary of <paramref name="texts"/>: every character that occurs in them.</summary>
    /// <exception cref="InputException">The texts hold no character.</exception>
    public static CharTokenizer Build(IEnumerable<string> texts, UnknownCharPolicy policy = UnknownCharPolicy.Error)
    {
        var seen = new HashSet<int>();
        foreach (string text in texts)
            foreach (Rune r in text.EnumerateRunes()) seen.Add(r.Value);
        if (seen.Count == 0)
            throw new InputException("the corpus has no characters to build a character vocabulary from; give a corpus with text");
        return new CharTokenizer(seen, policy);
    }

    public UnknownCharPolicy Policy { get; }

    /// <summary>The characters by id (code points, ascending).</summary>
    public IReadOnlyList<int> CodePoints => _codePoints;

    /// <summary>The id of &lt;unk&gt; (the last one) under <see cref="UnknownCharPolicy.Unk"/>, else null.</summary>
    public int? UnknownId => Policy == UnknownCharPolicy.Unk ? _codePoints.Length : null;

    public int VocabSize => _codePoints.Length + (Policy == UnknownCharPolicy.Unk ? 1 : 0);

    /// <exception cref="InputException">Under <see cref="UnknownCharPolicy.Error"/>, a character not in the vocabulary.</exception>
    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length);
        int index = 0;
        foreach (Rune r in text.EnumerateRunes())
        {
            if (_ids.TryGetValue(r.Value, out int id)) ids.Add(id);
            else if (Policy == UnknownCharPolicy.Unk) ids.Add(_codePoints.Length);
            else if (Policy == UnknownCharPolicy.Error)
                throw new InputException($"character '{r}' (U+{r.Value:X4}) at index {index} is not in the vocabulary of {VocabSize} " +
                    "characters; build the vocabulary from text that has it, or choose the unk or skip policy");
            index += r.Utf16SequenceLength;
        }
        return ids.ToArray();
    }

    /// <exception cref="InputException">An id outside the vocabulary.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new StringBuilder(ids.Length);
        foreach (int id in ids)
        {
            if ((uint)id < (uint)_codePoints.Length) text.Append(new Rune(_codePoints[id]).ToString());
            else if (id == UnknownId) text.Append('\uFFFD');
            else throw new InputException($"token id {id} is not in the character vocabulary (ids 0–{VocabSize - 1})");
        }
        return text.ToString();
    }

    /// <summary>Writes the vocabulary and policy to <paramref name="path"/>, atomically.</summary>
    public void Save(string path) => TokenizerFileFormat.Write(path, TokenizerFileFormat.KindChar, w =>
    {
        w.Write((byte)Policy);
        w.Write(_codePoints.Length);
        foreach (int cp in _codePoints) w.Write(cp);
    });

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">Missing, not ours, another version, truncated or corrupt.</exception>
    public static CharTokenizer Load(string path)
    {
        var (kind, payload) = TokenizerFileFormat.Read(path);
        if (kind != TokenizerFileFormat.KindChar) throw new InputException($"'{path}' is a byte-level BPE tokenizer, not a character one");
        return FromPayload(path, payload);
    }

    internal static CharTokenizer FromPayload(string path, byte[] payload) => TokenizerFileFormat.Parse(path, payload, r =>
    {
        byte policy = r.ReadByte();
        if (policy > (byte)UnknownCharPolicy.Skip)
            throw new InputException($"tokenizer file '{path}' is corrupt: unknown-character policy {policy}");
        int count = TokenizerFileFormat.Count(r, path, "character", 4);
        var cps = new int[count];
        for (int i = 0; i < count; i++) cps[i] = r.ReadInt32();
        try { return new CharTokenizer(cps, (UnknownCharPolicy)policy); }
        catch (ArgumentException e) { throw new InputException($"tokenizer file '{path}' is corrupt: {e.Message}", e); }
    });

    /// <summary>"unk" → <see cref="UnknownCharPolicy.Unk"/>, and so on.</summary>
    /// <exception cref="InputException">Another name.</exception>
    public static UnknownCharPolicy ParsePolicy(string name) => name.ToLower(CultureInfo.InvariantCulture) switch
    {
        "error" => UnknownCharPolicy.Error,
        "unk" => UnknownCharPolicy.Unk,
        "skip" => UnknownCharPolicy.Skip,
        _ => throw new InputException($"--unknown must be error, unk or skip (got '{name}')"),
    };
}
