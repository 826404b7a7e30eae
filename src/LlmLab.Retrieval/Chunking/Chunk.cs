namespace LlmLab.Retrieval.Chunking;

/// <summary>A piece of a document small enough to embed and to cite.</summary>
/// <param name="Id">Content hash of (source id, text): stable across re-indexing while the text is unchanged.</param>
/// <param name="SourceId">The document it came from (<see cref="Documents.SourceDocument.SourceId"/>).</param>
/// <param name="Title">The document's title.</param>
/// <param name="Section">The heading the chunk sits under ("" when none).</param>
/// <param name="Position">0-based order of the chunk within its document.</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="TokenCount">Tokens in <paramref name="Text"/> by the chunker's tokenizer.</param>
public sealed record Chunk(string Id, string SourceId, string Title, string Section, int Position, string Text, int TokenCount);
