namespace LlmLab.Retrieval.Documents;

/// <summary>One document to index.</summary>
/// <param name="SourceId">Stable identifier: a JSONL record's <c>id</c>, otherwise the file path. Question sets name it.</param>
/// <param name="Title">Human-readable title (JSONL <c>title</c>, the first heading, or the file name).</param>
/// <param name="Text">The document's text (HTML already converted to Markdown-like text).</param>
/// <param name="Format">How <paramref name="Text"/> is structured.</param>
public sealed record SourceDocument(string SourceId, string Title, string Text, DocumentFormat Format = DocumentFormat.PlainText);
