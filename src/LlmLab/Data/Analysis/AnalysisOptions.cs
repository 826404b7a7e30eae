using LlmLab.Tokenization;

namespace LlmLab.Data.Analysis;

/// <summary>What a <see cref="CorpusStatistics"/> measures besides the text itself. Immutable; the tokenizer and the
/// language identifier are shared (both are thread-safe).</summary>
/// <param name="Tokenizer">Counts tokens and token frequencies; null: no token statistics.</param>
/// <param name="Languages">Identifies each document's language; null: no language mix.</param>
/// <param name="ExamplesPerRule">How many removed documents each rule keeps as examples (the first ones in corpus order).</param>
/// <param name="LanguageChars">Characters from the start of a document given to the language identifier.</param>
/// <param name="SnippetChars">Characters of a removed document shown as its example.</param>
public sealed record AnalysisOptions(
    ITokenizer? Tokenizer = null,
    LanguageIdentifier? Languages = null,
    int ExamplesPerRule = 2,
    int LanguageChars = 600,
    int SnippetChars = 90);

/// <summary>One document a quality rule would remove, kept as an example.</summary>
/// <param name="DocumentId">The document's id.</param>
/// <param name="Source">Its source (assembly, file).</param>
/// <param name="Snippet">Its first characters, whitespace collapsed.</param>
/// <param name="Value">The rule's signal for it.</param>
public sealed record RemovalExample(string DocumentId, string Source, string Snippet, double Value);

/// <summary>Totals of one source of the corpus (an assembly of the SDK docs, a file of a directory). Not thread-safe.</summary>
public sealed class SourceSummary
{
    public long Documents { get; internal set; }
    public long Chars { get; internal set; }
    public long Words { get; internal set; }
    public long Tokens { get; internal set; }
    /// <summary>Documents at least one rule would remove.</summary>
    public long Removed { get; internal set; }
    /// <summary>Documents identified as English (when a language identifier is used).</summary>
    public long English { get; internal set; }

    internal void Add(SourceSummary o)
    {
        Documents += o.Documents; Chars += o.Chars; Words += o.Words; Tokens += o.Tokens; Removed += o.Removed; English += o.English;
    }

    internal bool SameAs(SourceSummary o) =>
        Documents == o.Documents && Chars == o.Chars && Words == o.Words && Tokens == o.Tokens && Removed == o.Removed
        && English == o.English;
}
