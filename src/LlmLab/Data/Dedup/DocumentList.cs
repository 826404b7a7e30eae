using LlmLab.Text;

namespace LlmLab.Data.Dedup;

/// <summary>A small corpus held in memory (a sample, a test), as an <see cref="IDocumentSource"/>. The list is not
/// copied: do not change it while it is read.</summary>
public sealed class DocumentList(string name, IReadOnlyList<Document> documents) : IDocumentSource
{
    public string Name { get; } = name;
    public IReadOnlyList<Document> Documents { get; } = documents;

    /// <summary>The first <paramref name="count"/> documents of <paramref name="source"/> (a prefix: deterministic).</summary>
    public static DocumentList Take(IDocumentSource source, int count) =>
        new($"{source.Name} (first {count:N0})", source.Read().Take(count).ToList());

    public IEnumerable<Document> Read(CancellationToken cancellationToken = default)
    {
        foreach (var d in Documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return d;
        }
    }
}
