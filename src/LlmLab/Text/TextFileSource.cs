using System.Text;

namespace LlmLab.Text;

/// <summary>
/// A plain-text corpus file (.txt, .md). Rule: a file of at most <see cref="SplitAboveBytes"/> bytes is one document
/// (id "<c>name#1</c>"); a larger file is split at blank lines, and consecutive paragraphs are gathered into documents
/// of at least <see cref="MinSplitChars"/> characters (the last one may be shorter), ids "<c>name#1</c>", "<c>name#2</c>", ….
/// Line endings become "\n"; trailing whitespace is trimmed; whitespace-only documents are skipped.
/// </summary>
/// <remarks>Reads line by line: a large file is never held in memory. Each enumeration opens the file anew.</remarks>
public sealed class TextFileSource : IDocumentSource
{
    /// <summary>Files up to 64 KiB (a long article, a chapter) stay whole; larger ones (a book) are split.</summary>
    public const long SplitAboveBytes = 64 * 1024;

    /// <summary>Split documents hold at least this many characters (a few paragraphs), so paragraphs are not one-liners.</summary>
    public const int MinSplitChars = 1000;

    readonly string _path;

    /// <param name="path">The file to read.</param>
    /// <param name="name">The name used in ids and as <see cref="Document.Source"/> (the file name, or its path in a directory
    /// corpus).</param>
    public TextFileSource(string path, string name)
    {
        if (!File.Exists(path)) throw new InputException($"corpus file '{path}' not found");
        (_path, Name) = (path, name);
    }

    public string Name { get; }

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        if (new FileInfo(_path).Length <= SplitAboveBytes)
        {
            string text = File.ReadAllText(_path, Encoding.UTF8).ReplaceLineEndings("\n").TrimEnd();
            if (text.Length > 0 && !string.IsNullOrWhiteSpace(text)) yield return new Document($"{Name}#1", text, Name);
            yield break;
        }
        using var reader = new StreamReader(_path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var doc = new StringBuilder();
        int n = 0;
        bool blankSeen = false;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(line)) { blankSeen = doc.Length > 0; continue; }
            if (blankSeen)
            {
                // A paragraph ended: close the document if it is long enough, else keep gathering.
                if (doc.Length >= MinSplitChars) { yield return Make(doc, ++n); doc.Clear(); }
                else doc.Append('\n');
                blankSeen = false;
            }
            if (doc.Length > 0) doc.Append('\n');
            doc.Append(line.TrimEnd());
        }
        if (doc.Length > 0) yield return Make(doc, ++n);
    }

    Document Make(StringBuilder doc, int n) => new($"{Name}#{n}", doc.ToString(), Name);
}
