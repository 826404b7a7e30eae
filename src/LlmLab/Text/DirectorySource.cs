namespace LlmLab.Text;

/// <summary>
/// A directory corpus: every supported file under it (.txt, .md, .jsonl, .ndjson, .parquet), recursively, in ordinal
/// order of their relative paths with '/' separators, each read by its own reader. Hidden files and folders (names
/// starting with '.') and files of other extensions are ignored. A file's relative path is its name in document ids
/// ("<c>sub/a.jsonl:3</c>") and its <see cref="Document.Source"/>.
/// </summary>
/// <remarks>The constructor validates every file (cheaply: jsonl's first record, parquet's schema); reading streams.</remarks>
public sealed class DirectorySource : IDocumentSource
{
    readonly IReadOnlyList<IDocumentSource> _files;

    /// <param name="path">The directory.</param>
    /// <param name="field">The text field of its .jsonl/.ndjson/.parquet files; null means "text".</param>
    /// <param name="skipBadLines">Null: a malformed JSON line stops reading. Given: such lines are skipped and recorded in it.</param>
    public DirectorySource(string path, string? field = null, BadLineLog? skipBadLines = null)
    {
        if (!Directory.Exists(path)) throw new InputException($"corpus directory '{path}' not found");
        Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }; // skips hidden by default
        _files = Directory.EnumerateFiles(path, "*", options)
            .Where(f => Corpora.IsSupported(f))
            .Select(f => (Full: f, Rel: Path.GetRelativePath(path, f).Replace(Path.DirectorySeparatorChar, '/')))
            .Where(f => !f.Rel.Split('/').Any(part => part.StartsWith('.')))
            .OrderBy(f => f.Rel, StringComparer.Ordinal)
            .Select(f => Corpora.OpenFile(f.Full, f.Rel, field, skipBadLines))
            .ToList();
        if (_files.Count == 0)
            throw new InputException($"corpus directory '{path}' has no {Corpora.SupportedList} files; add some or point to a file");
    }

    public string Name { get; }

    /// <summary>The readers of its files, in reading order.</summary>
    public IReadOnlyList<IDocumentSource> Files => _files;

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default) =>
        _files.SelectMany(f => f.Read(cancellationToken));
}
