namespace LlmLab.Text;

/// <summary>One document of a corpus: a stable id, its text, and where it came from (file, assembly, …).</summary>
public sealed record Document(string Id, string Text, string Source);

/// <summary>
/// A corpus that can be read, in a deterministic order, as many times as needed, without holding it in memory.
/// Implementations are safe to enumerate from several threads at once (each enumeration is independent).
/// </summary>
public interface IDocumentSource
{
    /// <summary>A short human-readable name ("sdk-docs", "corpus.jsonl").</summary>
    string Name { get; }

    /// <summary>Streams the documents in a deterministic order.</summary>
    IEnumerable<Document> Read(CancellationToken cancellationToken = default);
}
