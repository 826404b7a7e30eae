using System.ComponentModel;
using System.Globalization;
using System.Text;
using LlmLab.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Tools;

/// <summary>
/// Lab 8.2's tools as Microsoft.Extensions.AI <see cref="AIFunction"/>s, each with a JSON schema that
/// <see cref="AIFunctionFactory"/> derives from its parameters and their [Description]s: what the agent loop, the
/// MCP server and any IChatClient see. A tool reports bad input by throwing <see cref="InputException"/>; the agent
/// turns that into a result the model reads. The functions are thread-safe (each tool is).
/// </summary>
public static class AgentToolbox
{
    /// <summary>Tools that read no data and change nothing (arithmetic, units, dates): a call to one, even injected,
    /// can neither leak nor harm, so the injection guard lets them through (<see cref="Agent.InjectionGuard"/>).</summary>
    public static IReadOnlySet<string> PureTools { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "calculator", "convert_units", "current_time", "days_between", "add_days",
            "day_of_week" };

    /// <summary>The tools <paramref name="options"/> enables: the pure ones always; SQL, files and retrieval when
    /// their database, root or retriever is given.</summary>
    public static IReadOnlyList<AIFunction> Create(AgentToolboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dates = new DateCalculator(options.Clock ?? TimeProvider.System);
        var tools = new List<AIFunction>
        {
            AIFunctionFactory.Create(
                ([Description("Arithmetic such as (17*23+4)/3 or sqrt(2)^2")] string expression)
                    => Format(ExpressionParser.Evaluate(expression)),
                "calculator", "Evaluates an arithmetic expression: numbers, + - * / % ^, parentheses, pi, e and " +
                string.Join(", ", ExpressionParser.FunctionNames) + ". Returns the number."),
            AIFunctionFactory.Create(
                ([Description("The amount")] double value, [Description("Unit to convert from, e.g. mi")] string from,
                    [Description("Unit to convert to, e.g. km")] string to) => UnitConverter.Describe(value, from, to,
                        UnitConverter.Convert(value, from, to)),
                "convert_units", "Converts a quantity between units (exact factors): " + string.Join(", ", UnitConverter.Symbols) + "."),
            AIFunctionFactory.Create(
                ([Description("IANA time zone such as Europe/Paris; empty for UTC")] string? timezone) => dates.Now(timezone),
                "current_time", "The current date and time in a time zone."),
            AIFunctionFactory.Create(
                ([Description("First date, yyyy-MM-dd")] string start, [Description("Second date, yyyy-MM-dd")] string end) =>
                    dates.DaysBetween(start, end).ToString(CultureInfo.InvariantCulture) + " days",
                "days_between", "Number of days from start to end (negative if end is earlier)."),
            AIFunctionFactory.Create(
                ([Description("Date, yyyy-MM-dd")] string date, [Description("Days to add (negative to subtract)")] int days) =>
                    dates.AddDays(date, days),
                "add_days", "The date a number of days after (or before) a date."),
            AIFunctionFactory.Create(
                ([Description("Date, yyyy-MM-dd")] string date) => dates.DayOfWeek(date),
                "day_of_week", "The day of the week of a date."),
        };
        if (options.DatabasePath is { } db)
        {
            var sql = new ReadOnlySql(db, options.MaxRows, options.SqlTimeout);
            tools.Add(AIFunctionFactory.Create(
                ([Description("One SQLite SELECT statement")] string query) => sql.Query(query),
                "sql_query", $"Runs one read-only SELECT on the shop database ({SampleDatabase.Schema}); at most {options.MaxRows} rows."));
        }
        if (options.FileRoot is { } root)
        {
            var files = new ConfinedFileReader(root);
            tools.Add(AIFunctionFactory.Create(
                ([Description("Path relative to the documents folder, e.g. notes/todo.txt")] string path) => files.Read(path),
                "read_file", "Reads a text file from the documents folder (nothing outside it)."));
            tools.Add(AIFunctionFactory.Create(() => string.Join("\n", files.List()), "list_files",
                "Lists the files of the documents folder."));
        }
        if (options.Retriever is { } retriever)
        {
            tools.Add(AIFunctionFactory.Create(
                ([Description("What to look for")] string query, [Description("How many passages (1-10)")] int k = 3) =>
                    Search(retriever, query, k),
                "search_documents", "Searches the knowledge base (hybrid BM25 + MiniLM) and returns the best passages with their " +
                    "sources."));
        }
        return tools;
    }

    static string Search(HybridRetriever retriever, string query, int k)
    {
        if (k is < 1 or > 10) throw new InputException($"k = {k}: ask for 1 to 10 passages");
        var hits = retriever.Search(query, k, RetrievalMode.Hybrid);
        if (hits.Count == 0) return "no passage found";
        var sb = new StringBuilder();
        for (int i = 0; i < hits.Count; i++)
        {
            var c = hits[i].Chunk.Chunk;
            sb.Append(CultureInfo.InvariantCulture, $"[{i + 1}] {c.Title} ({c.SourceId}): {c.Text.Trim()}\n");
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>A number as the calculator prints it: up to 12 significant digits, no exponent for ordinary sizes.</summary>
    public static string Format(double v) =>
        Math.Abs(v) is >= 1e-6 and < 1e15 || v == 0 ? Math.Round(v, 10).ToString("0.##########", CultureInfo.InvariantCulture)
        : v.ToString("G12", CultureInfo.InvariantCulture);
}
