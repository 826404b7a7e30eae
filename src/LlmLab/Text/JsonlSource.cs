using System.Text;
using System.Text.Json;

namespace LlmLab.Text;

/// <summary>
/// A JSON Lines corpus (.jsonl, .ndjson): one JSON object per line, its text in a string field ("text" unless named).
/// Blank lines are skipped; document ids are "<c>name:line</c>" with 1-based line numbers, as an editor shows them.
/// Each document carries its line in <see cref="Document.Json"/>, so a tool that rewrites the corpus keeps every field.
/// </summary>
/// <remarks>
/// The constructor checks the first record (cheap); later lines are checked as they are read, and a bad one
/// throws <see cref="InputException"/> naming the file and line — or, given a <see cref="BadLineLog"/>, is skipped and
/// recorded there (skip-and-count). Streams line by line; each enumeration reopens the file.
/// </remarks>
public sealed class JsonlSource : IDocumentSource
{
    /// <summary>The field read when none is named: the convention of most LM corpora (The Pile, FineWeb, RedPajama).</summary>
    public const string DefaultField = "text";

    readonly string _path;
    readonly string _field;
    readonly BadLineLog? _skipped;

    /// <param name="path">The file to read.</param>
    /// <param name="name">The name used in ids, messages and as <see cref="Document.Source"/>.</param>
    /// <param name="field">The string field holding the text; null means <see cref="DefaultField"/>.</param>
    /// <param name="skipped">Null: a bad line stops reading with an <see cref="InputException"/>. Given: bad lines are
    /// skipped and recorded in it.</param>
    public JsonlSource(string path, string name, string? field = null, BadLineLog? skipped = null)
    {
        if (!File.Exists(path)) throw new InputException($"corpus file '{path}' not found");
        (_path, Name, _field, _skipped) = (path, name, field ?? DefaultField, skipped);
        // Validate eagerly on the first record only: a wrong --field is the common mistake, and it shows there.
        foreach (var _ in Read().Take(1)) { }
    }

    public string Name { get; }

    /// <summary>True when the file holds no record (only blank lines, or nothing).</summary>
    public bool IsEmpty => !Read().Any();

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(_path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int lineNo = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(line)) continue;
            string? text;
            if (_skipped is null) text = TextOf(line, lineNo);
            else
            {
                try { text = TextOf(line, lineNo); }
                catch (InputException e) { _skipped.Record(Name, lineNo, e.Message); continue; }
            }
            yield return new Document($"{Name}:{lineNo}", text, Name) { Json = line.Trim() };
        }
    }

    string TextOf(string line, int lineNo)
    {
        JsonDocument json;
        try { json = JsonDocument.Parse(line); }
        catch (JsonException e) { throw new InputException($"line {lineNo} of {Name} is not valid JSON: {FirstSentence(e.Message)}", e); }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new InputException(
                    $"line {lineNo} of {Name} is a JSON {json.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object; each " +
                    $"line must be one object like {{\"{_field}\": \"…\"}}");
            if (!json.RootElement.TryGetProperty(_field, out var value) || value.ValueKind != JsonValueKind.String)
            {
                string fields = string.Join(", ", json.RootElement.EnumerateObject().Select(p => p.Name));
                throw new InputException(
                    $"{Name} line {lineNo} has no string field \"{_field}\" (fields: {(fields.Length > 0 ? fields : "none")}); " +
                    $"choose the field with --field NAME");
            }
            return value.GetString()!;
        }
    }

    // System.Text.Json messages end with "Path: $ | LineNumber: 0 | BytePositionInLine: 5." — keep the first part.
    static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut].TrimEnd() : message;
    }
}
