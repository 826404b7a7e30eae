namespace LlmLab.Retrieval.Documents;

/// <summary>How a document's text is structured, which decides how it is split into sections and paragraphs.</summary>
public enum DocumentFormat
{
    /// <summary>Paragraphs separated by blank lines.</summary>
    PlainText,

    /// <summary>ATX headings (<c>#</c> … <c>######</c>) open sections; blank lines separate paragraphs. HTML is converted to
    /// this.</summary>
    Markdown,
}
