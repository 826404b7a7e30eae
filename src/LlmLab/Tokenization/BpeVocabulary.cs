namespace LlmLab.Tokenization;

/// <summary>
/// Checks and completes the parts of a byte-level BPE vocabulary, whatever it was read from: the bytes of every token
/// from the merges (our files, GPT-2's merges.txt), or the merges from the bytes of every token (tiktoken rank files).
/// Every problem is an <see cref="InputException"/> that names <c>source</c> (a file, or "training").
/// </summary>
internal static class BpeVocabulary
{
    // Ids may have gaps (cl100k_base leaves 100256 unused), but not so many that a corrupt id allocates gigabytes.
    static long MaxIds(int tokens) => 2L * (256 + tokens) + 1024;

    /// <summary>The bytes of each token by id, from the byte ids and the merges (ascending ids, each made of two lower ids).</summary>
    public static (byte[]?[] Tokens, Dictionary<byte[], int> IdOf) TokenBytes(int[] byteIds, IReadOnlyList<BpeMerge> merges, string source)
    {
        if (byteIds.Length != 256) throw new InputException($"{source}: expected ids for 256 bytes (got {byteIds.Length})");
        long size = Math.Max(byteIds.Max() + 1L, merges.Count == 0 ? 0 : merges.Max(m => m.Id) + 1L);
        if (byteIds.Min() < 0) throw new InputException($"{source}: a byte has a negative id ({byteIds.Min()})");
        if (size > MaxIds(merges.Count))
            throw new InputException($"{source}: ids go up to {size - 1:N0} for only {merges.Count:N0} merges");
        var tokens = new byte[]?[(int)size];
        for (int b = 0; b < 256; b++)
        {
            if (tokens[byteIds[b]] is not null)
                throw new InputException($"{source}: bytes {tokens[byteIds[b]]![0]} and {b} have the same id {byteIds[b]}");
            tokens[byteIds[b]] = [(byte)b];
        }
        var idOf = new Dictionary<byte[], int>(merges.Count + 256, ByteSequenceComparer.Instance);
        for (int b = 0; b < 256; b++) idOf[tokens[byteIds[b]]!] = byteIds[b];
        int previous = -1;
        for (int k = 0; k < merges.Count; k++)
        {
            var (left, right, id) = merges[k];
            if (id <= previous)
                throw new InputException(
                    $"{source}: merge {k} has id {id}, not above the previous merge's {previous}; merges must be listed by ascending id");
            if (tokens[id] is not null) throw new InputException($"{source}: merge {k} reuses id {id}, already a byte");
            if (left < 0 || left >= id || tokens[left] is null || right < 0 || right >= id || tokens[right] is null)
                throw new InputException(
                    $"{source}: merge {k} (id {id}) joins ids {left} and {right}; both must be existing tokens of lower id");
            var bytes = new byte[tokens[left]!.Length + tokens[right]!.Length];
            tokens[left]!.CopyTo(bytes, 0);
            tokens[right]!.CopyTo(bytes, tokens[left]!.Length);
            if (!idOf.TryAdd(bytes, id))
                throw new InputException($"{source}: merge {k} (id {id}) makes the same bytes as an earlier token");
            tokens[id] = bytes;
            previous = id;
        }
        return (tokens, idOf);
    }

    /// <summary>Byte ids and merges recovered from token bytes by id (a tiktoken rank file, GPT-2's vocab.json): each
    /// multi-byte token splits where BPE limited to lower ranks leaves two parts (the split the token was trained from).</summary>
    public static (int[] ByteIds, BpeMerge[] Merges, byte[]?[] Tokens,
        BytePairMerger Merger) FromTokens(IReadOnlyList<(byte[] Bytes, int Id)> entries, string source)
    {
        if (entries.Count == 0) throw new InputException($"{source} has no tokens");
        long longSize = entries.Max(e => e.Id) + 1L;
        if (longSize > MaxIds(entries.Count))
            throw new InputException($"{source}: ids go up to {longSize - 1:N0} for only {entries.Count:N0} tokens");
        int size = (int)longSize;
        var tokens = new byte[]?[size];
        var byteIds = Enumerable.Repeat(-1, 256).ToArray();
        var idOf = new Dictionary<byte[], int>(entries.Count, ByteSequenceComparer.Instance);
        foreach (var (bytes, id) in entries)
        {
            if (id < 0) throw new InputException($"{source}: token id {id} is negative");
            if (bytes.Length == 0) throw new InputException($"{source}: token {id} is empty");
            if (tokens[id] is not null) throw new InputException($"{source}: id {id} is given twice");
            if (!idOf.TryAdd(bytes, id)) throw new InputException($"{source}: token {id} repeats the bytes of another token");
            tokens[id] = bytes;
            if (bytes.Length == 1) byteIds[bytes[0]] = id;
        }
        int missing = Array.IndexOf(byteIds, -1);
        if (missing >= 0)
            throw new InputException(
                $"{source}: no token for the single byte {missing} (0x{missing:X2}); a byte-level BPE vocabulary needs all 256");

        var merger = new BytePairMerger(tokens, byteIds, idOf);
        var merges = new List<BpeMerge>();
        var parts = new List<int>(2);
        for (int id = 0; id < size; id++)
        {
            if (tokens[id] is not { Length: > 1 } bytes) continue;
            parts.Clear();
            merger.Merge(bytes, parts, maxRank: id);
            if (parts.Count == 2 && parts[0] < id && parts[1] < id) { merges.Add(new BpeMerge(parts[0], parts[1], id)); continue; }
            // A token that BPE would not build this way (possible in hand-made vocabularies): any split into lower tokens.
            int cut = Enumerable.Range(1, bytes.Length - 1).FirstOrDefault(c =>
                idOf.TryGetValue(bytes[..c], out int l) && l < id && idOf.TryGetValue(bytes[c..], out int r) && r < id);
            if (cut == 0)
                throw new InputException(
                    $"{source}: token {id} cannot be made from two tokens of lower id; this is not a byte-level BPE vocabulary");
            merges.Add(new BpeMerge(idOf[bytes[..cut]], idOf[bytes[cut..]], id));
        }
        return (byteIds, merges.ToArray(), tokens, merger);
    }

    /// <summary>Special tokens: non-empty texts whose ids are unused by ordinary tokens and by each other.</summary>
    public static void CheckSpecials(IReadOnlyDictionary<string, int> specials, byte[]?[] tokens, string source)
    {
        var ids = new HashSet<int>();
        foreach (var (text, id) in specials)
        {
            if (text.Length == 0) throw new InputException($"{source}: a special token is empty");
            if (id < 0) throw new InputException($"{source}: special token '{text}' has a negative id {id}");
            if (id < tokens.Length && tokens[id] is not null)
                throw new InputException($"{source}: special token '{text}' has id {id}, already an ordinary token");
            if (!ids.Add(id)) throw new InputException($"{source}: special token '{text}' shares id {id} with another special token");
        }
    }
}
