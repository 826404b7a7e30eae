using System.Text;
using System.Text.Json;
using LlmLab.Runtime;

namespace LlmLab.Tokenization;

/// <summary>
/// GPT-2's own vocabulary files, as OpenAI published them and Hugging Face still uses them: <c>vocab.json</c> (token →
/// id, tokens written with <see cref="ByteUnicodeMap"/>) and <c>merges.txt</c> (a "#version" line, then one merge per
/// line, "left right", in priority order).
/// </summary>
/// <remarks>
/// Reading: the 256 single-byte tokens and each merge's tokens are looked up in vocab.json; a merge's result must be
/// there too, with ids increasing down the file (they are ranks). Entries of vocab.json that are neither a byte nor made
/// by a merge (GPT-2's "&lt;|endoftext|&gt;") become special tokens.
/// </remarks>
public static class Gpt2Format
{
    /// <summary>Reads vocab.json and merges.txt into a tokenizer.</summary>
    /// <exception cref="InputException">A missing file, malformed JSON or line (named), or an inconsistent vocabulary.</exception>
    public static BpeTokenizer Load(string vocabJsonPath, string mergesPath, string pattern = SplitPatterns.Gpt2, string? name = null)
    {
        foreach (string p in (string[])[vocabJsonPath, mergesPath])
            if (!File.Exists(p)) throw new InputException($"GPT-2 vocabulary file '{p}' not found");
        Dictionary<string, int> vocab;
        try { vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJsonPath)) ?? []; }
        catch (JsonException e) { throw new InputException($"'{vocabJsonPath}' is not a JSON object of token → id ({e.Message})", e); }

        var byteIds = new int[256];
        for (int b = 0; b < 256; b++)
            if (!vocab.TryGetValue(ByteUnicodeMap.Encode([(byte)b]), out byteIds[b]))
                throw new InputException(
                    $"'{vocabJsonPath}' has no token for byte {b} " +
                    $"('{ByteUnicodeMap.Encode([(byte)b])}'); a byte-level vocabulary needs all 256");

        var merges = new List<BpeMerge>();
        var made = new HashSet<int>(byteIds);
        int lineNo = 0;
        foreach (string raw in File.ReadLines(mergesPath))
        {
            lineNo++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0 || (lineNo == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            string[] parts = line.Split(' ');
            string where = $"'{mergesPath}' line {lineNo}";
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new InputException($"{where}: expected 'LEFT RIGHT' (got '{line}')");
            int left = Id(parts[0]), right = Id(parts[1]), id = Id(parts[0] + parts[1]);
            if (made.Contains(id)) continue; // the same token by another split: nothing new under the tiktoken merge rule
            if (merges.Count > 0 && id < merges[^1].Id)
                throw new InputException(
                    $"{where}: '{parts[0] + parts[1]}' has id {id}, below the previous merge's " +
                    $"{merges[^1].Id}; ids must follow merge order");
            merges.Add(new BpeMerge(left, right, id));
            made.Add(id);

            int Id(string token) => vocab.TryGetValue(token, out int v) ? v
                : throw new InputException($"{where}: '{token}' is not in '{vocabJsonPath}'");
        }
        var specials = vocab.Where(kv => !made.Contains(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new BpeTokenizer(name ?? "gpt2-files", pattern, byteIds, merges, specials,
            $"GPT-2 vocabulary '{vocabJsonPath}' + '{mergesPath}'");
    }

    /// <summary>Writes vocab.json (ordinary and special tokens, by id) and merges.txt, each atomically.</summary>
    /// <exception cref="InputException">A special token's text equals a mapped ordinary token (vocab.json would hold it twice).</exception>
    public static void Save(BpeTokenizer tokenizer, string vocabJsonPath, string mergesPath)
    {
        var entries = new List<(string Token, int Id)>();
        for (int id = 0; id < tokenizer.VocabSize; id++)
            if (tokenizer.HasToken(id)) entries.Add((ByteUnicodeMap.Encode(tokenizer.TokenBytes(id)), id));
        var names = entries.Select(e => e.Token).ToHashSet(StringComparer.Ordinal);
        foreach (var (text, id) in tokenizer.SpecialTokens.OrderBy(kv => kv.Value))
        {
            if (!names.Add(text))
                throw new InputException(
                    $"special token '{text}' is spelled like an ordinary token in GPT-2's byte map; vocab.json cannot hold both");
            entries.Add((text, id));
        }
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            foreach (var (token, id) in entries.OrderBy(e => e.Id)) w.WriteNumber(token, id);
            w.WriteEndObject();
        }
        var merges = new StringBuilder("#version: 0.2\n");
        foreach (var m in tokenizer.Merges)
            merges.Append(ByteUnicodeMap.Encode(tokenizer.TokenBytes(m.Left))).Append(' ')
                .Append(ByteUnicodeMap.Encode(tokenizer.TokenBytes(m.Right))).Append('\n');
        AtomicFile.WriteAllBytes(vocabJsonPath, json.ToArray());
        AtomicFile.WriteAllText(mergesPath, merges.ToString());
    }
}
