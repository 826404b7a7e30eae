using System.Text;
using LlmLab.Runtime;

namespace LlmLab.Tokenization;

/// <summary>
/// tiktoken's rank files (<c>cl100k_base.tiktoken</c>): one token per line, its bytes in base64, a space, its rank
/// (= id). Also read: the variant of the Microsoft.ML.Tokenizers data packages, which starts with a
/// "<c>Capacity: N</c>" line and gives no ranks (a token's rank is its line number). Special tokens and the split
/// pattern are not in these files; they are given when loading.
/// </summary>
public static class TiktokenFormat
{
    /// <summary>Reads a rank file into a tokenizer.</summary>
    /// <param name="path">The .tiktoken file.</param>
    /// <param name="pattern">The split regex (<see cref="SplitPatterns"/>).</param>
    /// <param name="specials">Special tokens and their ids (null: none).</param>
    /// <param name="name">A label; the file name without extension when null.</param>
    /// <exception cref="InputException">Missing file, a malformed line (named), or not a byte-level BPE vocabulary.</exception>
    public static BpeTokenizer Load(string path, string pattern, IReadOnlyDictionary<string, int>? specials = null, string? name = null)
    {
        if (!File.Exists(path)) throw new InputException($"tiktoken file '{path}' not found");
        using var stream = File.OpenRead(path);
        return Load(stream, name ?? Path.GetFileNameWithoutExtension(path), pattern, specials, $"tiktoken file '{path}'");
    }

    internal static BpeTokenizer Load(Stream stream, string name, string pattern, IReadOnlyDictionary<string, int>? specials, string source)
    {
        var (byteIds, merges, tokens, merger) = BpeVocabulary.FromTokens(ReadTokens(stream, source), source);
        return new BpeTokenizer(name, pattern, byteIds, merges, specials ?? new Dictionary<string, int>(), source, (tokens, merger));
    }

    /// <summary>The (bytes, rank) entries of a rank file.</summary>
    internal static List<(byte[] Bytes, int Id)> ReadTokens(Stream stream, string source)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var entries = new List<(byte[], int)>();
        int lineNo = 0, implicitRank = 0;
        bool? ranked = null;
        Span<byte> buffer = stackalloc byte[256];
        while (reader.ReadLine() is { } raw)
        {
            lineNo++;
            ReadOnlySpan<char> line = raw.AsSpan().TrimEnd('\r');
            if (lineNo == 1 && line.StartsWith("Capacity: ", StringComparison.Ordinal)) continue;
            if (line.IsEmpty) { if (ranked == false) implicitRank++; continue; }
            int space = line.IndexOf(' ');
            ranked ??= space >= 0;
            if (ranked.Value != space >= 0 || (space >= 0 && line[(space + 1)..].Contains(' ')))
                throw new InputException(
                    $"{source} line {lineNo}: expected '{(ranked.Value ? "BASE64 RANK" : "BASE64")}' (got '{Shorten(line.ToString())}')");
            var base64 = space >= 0 ? line[..space] : line;
            if (base64.Length > buffer.Length * 4 / 3 || !Convert.TryFromBase64Chars(base64, buffer, out int n) || n == 0)
                throw new InputException($"{source} line {lineNo}: '{Shorten(base64.ToString())}' is not base64 of a token (1–256 bytes)");
            int rank = implicitRank++;
            if (ranked.Value && !int.TryParse(line[(space + 1)..], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out rank))
                throw new InputException(
                    $"{source} line {lineNo}: the rank '{Shorten(line[(space + 1)..].ToString())}' is not a non-negative integer");
            entries.Add((buffer[..n].ToArray(), rank));
        }
        return entries;
    }

    /// <summary>Writes the ordinary tokens of <paramref name="tokenizer"/> as a rank file (by ascending id), atomically.</summary>
    public static void Save(BpeTokenizer tokenizer, string path)
    {
        var text = new StringBuilder();
        for (int id = 0; id < tokenizer.VocabSize; id++)
        {
            if (tokenizer.IsSpecial(id) || !tokenizer.HasToken(id)) continue;
            text.Append(Convert.ToBase64String(tokenizer.TokenBytes(id))).Append(' ').Append(id).Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
