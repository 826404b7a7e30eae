namespace LlmLab.Text;

/// <summary>
/// Opens a corpus by path: null for the default <see cref="SdkDocsCorpus"/>; a .txt/.md file
/// (<see cref="TextFileSource"/>), a .jsonl/.ndjson file (<see cref="JsonlSource"/>), a .parquet file
/// (<see cref="ParquetSource"/>), or a directory of them (<see cref="DirectorySource"/>).
/// </summary>
/// <remarks>
/// Opening validates eagerly and cheaply (the file exists, its extension is supported, the text field is in the first
/// record or the schema) and throws <see cref="InputException"/> with the fix; reading is lazy and streams.
/// </remarks>
public static class Corpora
{
    static readonly string[] Extensions = [".txt", ".md", ".jsonl", ".ndjson", ".parquet"];

    internal static string SupportedList => ".txt, .md, .jsonl, .ndjson or .parquet";

    /// <param name="path">A file or directory; null for the default SDK-docs corpus.</param>
    /// <param name="field">The text field of .jsonl/.ndjson/.parquet files; null means "text".</param>
    /// <param name="skipBadLines">Null: a malformed JSON line stops reading. Given: such lines are skipped and recorded in it.</param>
    public static IDocumentSource Open(string? path, string? field = null, BadLineLog? skipBadLines = null)
    {
        if (path is null)
        {
            if (field is not null)
                throw new InputException(
                    "--field applies to .jsonl/.ndjson/.parquet corpora, not the default SDK-docs corpus; drop it or give a corpus path");
            return new SdkDocsCorpus();
        }
        if (string.IsNullOrWhiteSpace(path))
            throw new InputException("the corpus path is empty; give a file or directory, or leave it out for the SDK docs");
        if (Directory.Exists(path)) return new DirectorySource(path, field, skipBadLines);
        if (!File.Exists(path)) throw new InputException($"corpus file '{path}' not found");
        if (!IsSupported(path))
            throw new InputException(
                $"corpus file '{path}' has an unsupported extension '{Path.GetExtension(path)}'; use " +
                $"{SupportedList}, or a directory of them");
        if (field is not null && IsText(path))
            throw new InputException($"--field applies to .jsonl/.ndjson/.parquet corpora, not to the text file '{path}'; drop it");
        if (new FileInfo(path).Length == 0) throw new InputException($"corpus file '{path}' is empty");
        var source = OpenFile(path, Path.GetFileName(path), field, skipBadLines);
        if (source is JsonlSource { IsEmpty: true })
            throw new InputException(skipBadLines is { Count: > 0 }
                ? $"corpus file '{path}' has no usable JSON line: all {skipBadLines.Count} were skipped (first: {skipBadLines.Examples[0]})"
                : $"corpus file '{path}' has no JSON lines, only blank ones");
        return source;
    }

    internal static bool IsSupported(string path) => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    static bool IsText(string path) => Path.GetExtension(path).ToLowerInvariant() is ".txt" or ".md";

    internal static IDocumentSource OpenFile(string path, string name, string? field, BadLineLog? skipBadLines = null) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".txt" or ".md" => new TextFileSource(path, name),
            ".jsonl" or ".ndjson" => new JsonlSource(path, name, field, skipBadLines),
            ".parquet" => new ParquetSource(path, name, field),
            var ext => throw new InputException($"corpus file '{path}' has an unsupported extension '{ext}'; use {SupportedList}"),
        };
}
