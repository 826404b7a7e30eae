using LlmLab.Tokenization;

namespace LlmLab.Interop;

/// <summary>
/// A <see cref="BpeTokenizer"/> from a vocabulary spelled as GPT-2 spells it — token strings in the byte-to-unicode map,
/// merges as pairs of such strings, special tokens by text — which is how GGUF (<c>tokenizer.ggml.tokens/merges</c>) and
/// Hugging Face's <c>tokenizer.json</c> (<c>model.vocab/merges</c>) hold a byte-level BPE. The same rules as
/// <see cref="Gpt2Format.Load"/>: all 256 byte tokens must be there, each merge's parts and result must be tokens, and
/// merge results must have ascending ids. Stateless.
/// </summary>
static class ByteLevelBpeImport
{
    /// <exception cref="InputException">A missing byte token, a merge naming an unknown token, or ids out of merge order;
    /// the message names <paramref name="source"/>.</exception>
    public static BpeTokenizer Build(IReadOnlyDictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IReadOnlyDictionary<string, int> specials, string pattern, string name, string source)
    {
        var byteIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string s = ByteUnicodeMap.Encode([(byte)b]);
            if (!vocab.TryGetValue(s, out byteIds[b]))
                throw new InputException($"{source}: no token for byte {b} ('{s}'); a byte-level BPE vocabulary needs all 256");
        }
        var list = new List<BpeMerge>();
        var made = new HashSet<int>(byteIds);
        int k = 0;
        foreach (var (left, right) in merges)
        {
            int l = Id(left), r = Id(right), id = Id(left + right);
            k++;
            if (made.Contains(id)) continue; // the same token by another split
            if (list.Count > 0 && id < list[^1].Id)
                throw new InputException($"{source}: merge {k} ('{left}' + '{right}') makes id {id}, below the previous merge's " +
                    $"{list[^1].Id}; ids must follow merge order");
            list.Add(new BpeMerge(l, r, id));
            made.Add(id);
        }
        return new BpeTokenizer(name, pattern, byteIds, list, specials, source);

        int Id(string token) => vocab.TryGetValue(token, out int v) ? v
            : throw new InputException($"{source}: merge {k + 1} names '{token}', which is not in the vocabulary");
    }
}
