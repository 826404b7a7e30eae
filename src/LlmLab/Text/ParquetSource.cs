using Parquet;
using Parquet.Schema;

namespace LlmLab.Text;

/// <summary>
/// A Parquet corpus: one document per row, its text in a top-level string column ("text" unless named). Null and
/// empty values are skipped. Document ids are "<c>name:row</c>" with 0-based row numbers across the whole file, as
/// pandas and parquet-tools number them.
/// </summary>
/// <remarks>
/// The constructor reads only the schema (the file footer). Reading holds one row group's column at a time
/// (Parquet's unit of I/O), never the whole file. Each enumeration reopens the file.
/// </remarks>
public sealed class ParquetSource : IDocumentSource
{
    readonly string _path;
    readonly DataField _column;

    /// <param name="path">The file to read.</param>
    /// <param name="name">The name used in ids, messages and as <see cref="Document.Source"/>.</param>
    /// <param name="field">The string column holding the text; null means "text".</param>
    public ParquetSource(string path, string name, string? field = null)
    {
        if (!File.Exists(path)) throw new InputException($"corpus file '{path}' not found");
        (_path, Name) = (path, name);
        string column = field ?? JsonlSource.DefaultField;
        ParquetSchema schema;
        try { schema = ParquetReader.ReadSchemaAsync(path).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new InputException($"{name} is not a readable Parquet file: {e.Message}", e);
        }
        _column = schema.Fields.OfType<DataField>().FirstOrDefault(f => f.Name == column && IsString(f))
            ?? throw new InputException($"{name} has no string column \"{column}\" (columns: " +
                $"{string.Join(", ", schema.Fields.Select(f => f.Name))}); choose the column with --field NAME");
    }

    public string Name { get; }

    // Parquet.Net 6 reports UTF-8 string columns as ReadOnlyMemory<char> (older files/writers: string).
    static bool IsString(DataField f) => !f.IsArray && (f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>));

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        using var stream = File.OpenRead(_path);
        var reader = ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).GetAwaiter().GetResult();
        try // ParquetReader is only IAsyncDisposable
        {
            long row = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                string?[] values;
                using (var group = reader.OpenRowGroupReader(g))
                {
                    values = new string?[group.RowCount];
                    group.ReadAsync(_column, values.AsMemory()!, null, cancellationToken).AsTask().GetAwaiter().GetResult();
                }
                foreach (string? text in values)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!string.IsNullOrEmpty(text)) yield return new Document($"{Name}:{row}", text, Name);
                    row++;
                }
            }
        }
        finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }
}
