namespace LlmLab.Tokenization;

/// <summary>
/// The payload of a byte-level BPE file (kind 1 in <see cref="TokenizerFileFormat"/>), in order:
/// name (string), split pattern (string; empty for none), 256 × int32 byte ids, int32 merge count and per merge
/// int32 left, right, id (ascending ids), int32 special-token count and per special token its text (string) and id.
/// Strings are <see cref="BinaryWriter"/>'s: a 7-bit-encoded byte length, then UTF-8.
/// Everything after the name is <see cref="WriteVocabulary"/>, which is also what a shard set's tokenizer identity
/// hashes for a built-in vocabulary (<c>Data.Shards.TokenizerIdentity</c>): one serialisation of a vocabulary.
/// </summary>
internal static class BpeFile
{
    public static void Write(BpeTokenizer tokenizer, string path) =>
        TokenizerFileFormat.Write(path, TokenizerFileFormat.KindBpe, w =>
        {
            w.Write(tokenizer.Name);
            WriteVocabulary(w, tokenizer);
        });

    /// <summary>Writes what makes the ids of <paramref name="tokenizer"/> (not its name): split pattern, byte ids,
    /// merges by ascending id, special tokens by ascending id.</summary>
    public static void WriteVocabulary(BinaryWriter w, BpeTokenizer tokenizer)
    {
        w.Write(tokenizer.Pattern);
        foreach (int id in tokenizer.ByteIds) w.Write(id);
        w.Write(tokenizer.Merges.Count);
        foreach (var m in tokenizer.Merges) { w.Write(m.Left); w.Write(m.Right); w.Write(m.Id); }
        w.Write(tokenizer.SpecialTokens.Count);
        foreach (var (text, id) in tokenizer.SpecialTokens.OrderBy(kv => kv.Value)) { w.Write(text); w.Write(id); }
    }

    public static BpeTokenizer Read(string path)
    {
        var (kind, payload) = TokenizerFileFormat.Read(path);
        if (kind != TokenizerFileFormat.KindBpe) throw new InputException($"'{path}' is a character tokenizer, not a byte-level BPE one");
        return FromPayload(path, payload);
    }

    internal static BpeTokenizer FromPayload(string path, byte[] payload) =>
        TokenizerFileFormat.Parse(path, payload, r =>
        {
            string name = r.ReadString();
            string pattern = r.ReadString();
            var byteIds = new int[256];
            for (int b = 0; b < 256; b++) byteIds[b] = r.ReadInt32();
            int mergeCount = TokenizerFileFormat.Count(r, path, "merge", 12);
            var merges = new BpeMerge[mergeCount];
            for (int k = 0; k < mergeCount; k++) merges[k] = new BpeMerge(r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            int specialCount = TokenizerFileFormat.Count(r, path, "special token", 5);
            var specials = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int k = 0; k < specialCount; k++)
            {
                string text = r.ReadString();
                if (!specials.TryAdd(text, r.ReadInt32()))
                    throw new InputException($"tokenizer file '{path}' is corrupt: special token '{text}' appears twice");
            }
            return new BpeTokenizer(name, pattern, byteIds, merges, specials, $"tokenizer file '{path}' is corrupt");
        });
}
