namespace LlmLab.Text;

/// <summary>One document of a corpus: a stable id, its text, and where it came from (file, assembly, …).</summary>
public sealed record Document(string Id, string Text, string Source)
{
    /// <summary>The input record this document was read from, as its JSON text, when the corpus has records with other
    /// fields than the text (a JSON Lines line); null otherwise. Tools that rewrite a corpus (dedup) write it unchanged,
    /// so the input's own <c>id</c> and metadata survive.</summary>
    /// <remarks>Not part of equality: for a given corpus it is a function of <see cref="Id"/> (file and line).</remarks>
    public string? Json { get; init; }

    /// <summary>Equal when <see cref="Id"/>, <see cref="Text"/> and <see cref="Source"/> are.</summary>
    public bool Equals(Document? other) =>
        other is not null && Id == other.Id && Text == other.Text && Source == other.Source;

    public override int GetHashCode() => HashCode.Combine(Id, Text, Source);
}

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
