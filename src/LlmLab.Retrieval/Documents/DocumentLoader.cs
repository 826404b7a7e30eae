using System.Text.Json;
using LlmLab;

namespace LlmLab.Retrieval.Documents;

/// <summary>
/// Reads documents from files and folders: <c>.txt</c> (plain text), <c>.md</c>/<c>.markdown</c>, <c>.html</c>/<c>.htm</c>,
/// <c>.jsonl</c> (one document per line: <c>id</c> and <c>text</c> required, <c>title</c> optional). A folder is read
/// recursively in ordinal path order. An unreadable file or JSONL line is skipped and recorded in
/// <see cref="Skipped"/>, so one bad document does not poison an index. Not thread-safe.
/// </summary>
public sealed class DocumentLoader
{
    static readonly string[] Extensions = [".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"];

    /// <summary>What was skipped and why ("file:line: reason").</summary>
    public List<string> Skipped { get; } = [];

    /// <summary>Every document under the given files or folders. A path that does not exist is an <see cref="InputException"/>.</summary>
    public IEnumerable<SourceDocument> Load(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal);
                foreach (var f in files) foreach (var d in LoadFile(f)) yield return d;
            }
            else if (File.Exists(path))
            {
                foreach (var d in LoadFile(path)) yield return d;
            }
            else
            {
                throw new InputException($"{path}: no such file or folder (give .txt, .md, .html or .jsonl files, or folders of them)");
            }
        }
    }

    /// <summary>The documents of one file (several for JSONL); an unreadable file yields none and is recorded.</summary>
    public IEnumerable<SourceDocument> LoadFile(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".jsonl") return LoadJsonl(path);
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException)
        {
            Skipped.Add($"{path}: {e.Message}");
            return [];
        }
        if (text.Contains('\0'))
        {
            Skipped.Add($"{path}: binary content (NUL bytes), not text");
            return [];
        }
        string name = Path.GetFileNameWithoutExtension(path);
        return ext switch
        {
            ".md" or ".markdown" => [new SourceDocument(path, FirstHeading(text) ?? name, text, DocumentFormat.Markdown)],
            ".html" or ".htm" => [new SourceDocument(path, HtmlText.Title(text) ?? name, HtmlText.ToMarkdown(text),
                DocumentFormat.Markdown)],
            _ => [new SourceDocument(path, name, text, DocumentFormat.PlainText)],
        };
    }

    List<SourceDocument> LoadJsonl(string path)
    {
        var docs = new List<SourceDocument>();
        IEnumerable<string> lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Skipped.Add($"{path}: {e.Message}");
            return docs;
        }
        int lineNo = 0;
        foreach (var line in lines)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                string id = root.TryGetProperty("id", out var idEl) ? idEl.ValueKind == JsonValueKind.String
                    ? idEl.GetString()! : idEl.GetRawText() : throw new FormatException("missing field \"id\"");
                string text = root.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()! : throw new FormatException("missing string field \"text\"");
                string title = root.TryGetProperty("title", out var ti) && ti.ValueKind == JsonValueKind.String ? ti.GetString()! : id;
                docs.Add(new SourceDocument(id, title, text, DocumentFormat.PlainText));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                Skipped.Add($"{path}:{lineNo}: {e.Message}");
            }
        }
        return docs;
    }

    static string? FirstHeading(string markdown)
    {
        foreach (var line in markdown.Split('\n'))
        {
            var t = line.TrimStart();
            if (t.StartsWith('#')) return t.TrimStart('#').Trim();
        }
        return null;
    }
}
