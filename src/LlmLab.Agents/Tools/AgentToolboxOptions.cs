using LlmLab.Retrieval.Search;

namespace LlmLab.Agents.Tools;

/// <summary>Which tools <see cref="AgentToolbox.Create"/> enables, and their limits. Immutable.</summary>
/// <param name="DatabasePath">SQLite database for <c>sql_query</c> (null: no SQL tool).</param>
/// <param name="FileRoot">The one directory <c>read_file</c> may read (null: no file tools).</param>
/// <param name="Retriever">Lab 8.1's retriever for <c>search_documents</c> (null: no retrieval tool).</param>
/// <param name="Clock">"Now" for the date tools (null: the system clock).</param>
/// <param name="MaxRows">Rows one SQL query returns at most (50: enough to read, short enough for a small context).</param>
/// <param name="SqlTimeout">Wall time one SQL query may take (null: 2 s, ample for a sample database).</param>
public sealed record AgentToolboxOptions(
    string? DatabasePath = null,
    string? FileRoot = null,
    HybridRetriever? Retriever = null,
    TimeProvider? Clock = null,
    int MaxRows = 50,
    TimeSpan? SqlTimeout = null);
