using System.Security.Cryptography;
using System.Text;
using LlmLab.Retrieval.Documents;

namespace LlmLab.Retrieval.Chunking;

/// <summary>
/// Splits documents into chunks by structure first, then by tokens: (1) Markdown headings open sections, and a
/// chunk never spans two sections; (2) a section's words are packed into windows of at most
/// <see cref="ChunkerOptions.MaxTokens"/> tokens; (3) a window ends at the last paragraph break in its second half
/// when there is one (then the next starts there, no overlap), otherwise mid-paragraph with the next window
/// starting <see cref="ChunkerOptions.OverlapTokens"/> tokens back. Chunk ids hash (source id, text), so an
/// unchanged chunk keeps its id when the document is re-indexed and only edited chunks get new ones.
/// </summary>
/// <remarks>Not thread-safe (the token counter caches).</remarks>
public sealed class Chunker
{
    readonly ChunkerOptions _options;
    readonly Func<string, int> _countTokens;

    /// <summary>A chunker counting tokens with <paramref name="countTokens"/> (a word's count; default: MiniLM's WordPiece).</summary>
    public Chunker(ChunkerOptions? options = null, Func<string, int>? countTokens = null)
    {
        _options = options ?? new ChunkerOptions();
        _options.Validate();
        _countTokens = countTokens ?? WordPieceCounter.CreateMiniLm().Count;
    }

    /// <summary>The chunks of one document, in order.</summary>
    public List<Chunk> Split(SourceDocument doc)
    {
        var chunks = new List<Chunk>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (heading, body) in Sections(doc))
        {
            foreach (var (text, tokens) in Windows(body))
            {
                // A text repeated inside one document gets its occurrence number in the hash, keeping ids unique.
                int occurrence = seen[text] = seen.GetValueOrDefault(text) + 1;
                string id = Hash(doc.SourceId, text, occurrence);
                chunks.Add(new Chunk(id, doc.SourceId, doc.Title, heading, chunks.Count, text, tokens));
            }
        }
        return chunks;
    }

    static IEnumerable<(string Heading, string Body)> Sections(SourceDocument doc)
    {
        if (doc.Format != DocumentFormat.Markdown)
        {
            yield return ("", doc.Text);
            yield break;
        }
        string heading = "";
        var body = new StringBuilder();
        foreach (var raw in doc.Text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (IsHeading(line))
            {
                if (body.ToString().Trim().Length > 0) yield return (heading, body.ToString());
                heading = line.TrimStart().TrimStart('#').Trim();
                body.Clear();
            }
            body.Append(line).Append('\n'); // the heading stays in its section's text: it is content to match
        }
        if (body.ToString().Trim().Length > 0) yield return (heading, body.ToString());
    }

    static bool IsHeading(string line)
    {
        var t = line.TrimStart();
        int hashes = t.TakeWhile(c => c == '#').Count();
        return hashes is >= 1 and <= 6 && t.Length > hashes && t[hashes] == ' ' && line.Length - t.Length < 4;
    }

    IEnumerable<(string Text, int Tokens)> Windows(string body)
    {
        // Words with their token counts; paraEnd[i] marks a word that ends a paragraph.
        var words = new List<string>();
        var paraEnd = new List<bool>();
        foreach (var para in body.Replace("\r", "").Split("\n\n"))
        {
            var w = para.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (w.Length == 0) continue;
            words.AddRange(w);
            paraEnd.AddRange(w.Select((_, i) => i == w.Length - 1));
        }
        var counts = words.Select(w => Math.Max(1, _countTokens(w))).ToArray();
        int start = 0, n = words.Count;
        while (start < n)
        {
            int end = start, tokens = 0;
            while (end < n && (end == start || tokens + counts[end] <= _options.MaxTokens)) tokens += counts[end++];
            int next = end;
            if (end < n)
            {
                int cut = LastParagraphEnd(paraEnd, start + (end - start) / 2, end);
                if (cut > 0) next = end = cut;
                else next = OverlapStart(counts, start, end);
            }
            yield return (Join(words, paraEnd, start, end), counts.AsSpan(start, end - start).ToArray().Sum());
            start = next;
        }
    }

    static int LastParagraphEnd(List<bool> paraEnd, int from, int end)
    {
        for (int i = end - 1; i >= Math.Max(from, 0); i--) if (paraEnd[i]) return i + 1;
        return -1;
    }

    int OverlapStart(int[] counts, int start, int end)
    {
        int back = end, tokens = 0;
        while (back - 1 > start && tokens + counts[back - 1] <= _options.OverlapTokens) tokens += counts[--back];
        return back;
    }

    static string Join(List<string> words, List<bool> paraEnd, int start, int end)
    {
        var sb = new StringBuilder();
        for (int i = start; i < end; i++)
        {
            sb.Append(words[i]);
            if (i < end - 1) sb.Append(paraEnd[i] ? "\n\n" : " ");
        }
        return sb.ToString();
    }

    /// <summary>First 16 bytes of SHA-256 over (source id, text, occurrence), hex.</summary>
    public static string Hash(string sourceId, string text, int occurrence = 1)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceId}\u001f{occurrence}\u001f{text}"));
        return Convert.ToHexStringLower(bytes.AsSpan(0, 16));
    }
}
