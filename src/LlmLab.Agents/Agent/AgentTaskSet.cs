using System.Globalization;
using LlmLab.Agents.Tools;

namespace LlmLab.Agents.Agent;

/// <summary>
/// Lab 8.2's task set over a <see cref="SampleWorkspace"/>, in the categories of the Berkeley Function-Calling
/// Leaderboard (simple, multiple, parallel, parallel-multiple, multi-step, and "no tool needed", BFCL's relevance
/// detection). Every expected answer comes from outside the tools: SQL answers by brute force over the generated rows
/// (LINQ, not SQLite), conversions from NIST SP 811's exact factors, weekdays of well-known dates, calendar arithmetic
/// written out. Each task carries the script the reference policy follows. The clock is fixed (<see cref="Now"/>).
/// </summary>
public static class AgentTaskSet
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The fixed "now" of the lab's clock: 2026-06-15 12:00 UTC.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A clock stopped at <see cref="Now"/>, for tools whose outputs must be reproducible.</summary>
    public static TimeProvider Clock { get; } = new StoppedClock();

    sealed class StoppedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static Dictionary<string, object?> A(params (string K, object? V)[] kv) => kv.ToDictionary(x => x.K, x => x.V);
    static Dictionary<string, object[]> P(params (string K, object[] V)[] kv) => kv.ToDictionary(x => x.K, x => x.V);
    static ScriptedCall Call(string name, params (string K, object? V)[] kv) => new(name, A(kv));

    /// <summary>The first cell of row <paramref name="row"/> of an SQL tool result ("" if absent).</summary>
    public static string Cell(string sqlResult, int row = 0)
    {
        var lines = sqlResult.Split('\n');
        return lines.Length > row + 2 ? lines[row + 1].Split(" | ")[0].Trim() : "";
    }

    static AgentScript Script(string request, Func<IReadOnlyList<string>, string> answer,
        params Func<IReadOnlyList<string>, IReadOnlyList<ScriptedCall>>[] steps) => new(request, steps, answer);

    /// <summary>The tasks; <paramref name="withRetrieval"/> adds the one that needs the RAG index.</summary>
    public static IReadOnlyList<AgentTask> Create(SampleDatabase db, bool withRetrieval)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Brute-force answers over the generated rows.
        int orders = db.Orders.Count;
        string graceCity = db.Customers.Single(c => c.Name == "Grace").City;
        int penId = db.Products.Single(p => p.Name == "pen").Id;
        int pens = db.Orders.Where(o => o.ProductId == penId).Sum(o => o.Quantity);
        int paris = db.Customers.Count(c => c.City == "Paris");
        double backpack = db.Products.Single(p => p.Name == "backpack").Price;
        // NIST SP 811: 1 mi = 1.609344 km, 1 lb = 0.45359237 kg (exact).
        string marathon = (26.2 * 1.609344).ToString("G6", C), tenKm = (10 / 1.609344).ToString("G6", C),
            kg = (100 / 0.45359237).ToString("G6", C);
        // Calendar arithmetic written out: 2024 is a leap year (31 + 29); 2024-11-15 + 90 = +15 (Nov 30) +31 (Dec 31) +31 (Jan 31) +13.
        // From the fixed clock 2026-06-15: 15 (rest of June) + 31 + 31 + 30 + 31 + 30 + 31 + 1 = 200 days to 2027-01-01.
        string today = Now.ToString("yyyy-MM-dd", C);
        var tasks = new List<AgentTask>
        {
            new("calc", "simple", "What is (17 * 23 + 4) / 5?", [new("calculator", Result: r => r == "79")], ["79"],
                Only("calculator"), Script("What is (17 * 23 + 4) / 5?", r => $"The result is {r[0]}.",
                    _ => [Call("calculator", ("expression", "(17 * 23 + 4) / 5"))])),
            new("marathon", "simple", "How many kilometres is 26.2 miles?",
                [new("convert_units", P(("value", [26.2]), ("from", ["mi", "mile", "miles"]), ("to", ["km", "kilometre", "kilometres",
                    "kilometer", "kilometers"])))],
                [marathon], Only("convert_units"), Script("How many kilometres is 26.2 miles?", r => r[0] + ".",
                    _ => [Call("convert_units", ("value", 26.2), ("from", "mi"), ("to", "km"))])),
            new("y2k", "simple", "What day of the week was 2000-01-01?", [new("day_of_week", P(("date", ["2000-01-01"])))], ["Saturday"],
                Only("day_of_week"), Script("What day of the week was 2000-01-01?", r => $"2000-01-01 was a {r[0]}.",
                    _ => [Call("day_of_week", ("date", "2000-01-01"))])),
            new("leap", "simple", "How many days are there from 2024-01-01 to 2024-03-01?",
                [new("days_between", P(("start", ["2024-01-01"]), ("end", ["2024-03-01"])))], ["60"], Only("days_between"),
                Script("How many days are there from 2024-01-01 to 2024-03-01?", r => $"There are {r[0]}.",
                    _ => [Call("days_between", ("start", "2024-01-01"), ("end", "2024-03-01"))])),
            new("orders", "multiple", "How many orders are in the shop database?",
                [new("sql_query", Result: r => Cell(r) == orders.ToString(C))], [orders.ToString(C)], null,
                Script("How many orders are in the shop database?", r => $"There are {Cell(r[0])} orders.",
                    _ => [Call("sql_query", ("query", "SELECT COUNT(*) FROM orders"))])),
            new("grace", "multiple", "Which city does Grace live in?", [new("sql_query", Result: r => Cell(r) == graceCity)], [graceCity],
                null,
                Script("Which city does Grace live in?", r => $"Grace lives in {Cell(r[0])}.",
                    _ => [Call("sql_query", ("query", "SELECT city FROM customers WHERE name = 'Grace'"))])),
            new("pens", "multiple", "How many pens were ordered in total?", [new("sql_query", Result: r => Cell(r) == pens.ToString(C))],
                [pens.ToString(C)], null, Script("How many pens were ordered in total?", r => $"{Cell(r[0])} pens were ordered.",
                    _ => [Call("sql_query", ("query",
                        "SELECT SUM(o.quantity) FROM orders o JOIN products p ON p.id = o.product_id WHERE p.name = 'pen'"))])),
            new("todo", "multiple", "What does notes/todo.txt say?", [new("read_file", P(("path", ["notes/todo.txt",
                "./notes/todo.txt"])))],
                ["blue notebooks"], null, Script("What does notes/todo.txt say?", r => $"The note says: {r[0].Trim()}",
                    _ => [Call("read_file", ("path", "notes/todo.txt"))])),
            new("due", "multiple", "What date is 90 days after 2024-11-15?", [new("add_days", P(("date", ["2024-11-15"]), ("days", [90])))],
                ["2025-02-13"], null, Script("What date is 90 days after 2024-11-15?", r => $"It is {r[0]}.",
                    _ => [Call("add_days", ("date", "2024-11-15"), ("days", 90))])),
            new("two-conversions", "parallel", "Convert 10 km to miles and 100 kg to pounds.",
                [new("convert_units", P(("value", [10]), ("from", ["km"]), ("to", ["mi", "mile", "miles"]))),
                 new("convert_units", P(("value", [100]), ("from", ["kg"]), ("to", ["lb", "lbs", "pound", "pounds"])))],
                [tenKm, kg], null, Script("Convert 10 km to miles and 100 kg to pounds.", r => $"{r[0]}; {r[1]}.",
                    _ => [Call("convert_units", ("value", 10), ("from", "km"), ("to", "mi")),
                          Call("convert_units", ("value", 100), ("from", "kg"), ("to", "lb"))])),
            // Apollo 11 landed on Sunday 1969-07-20; the Berlin Wall opened on Thursday 1989-11-09.
            new("two-weekdays", "parallel", "What days of the week were 1969-07-20 and 1989-11-09?",
                [new("day_of_week", P(("date", ["1969-07-20"]))), new("day_of_week", P(("date", ["1989-11-09"])))], ["Sunday",
                    "Thursday"], null,
                Script("What days of the week were 1969-07-20 and 1989-11-09?", r => $"1969-07-20 was a {r[0]} and 1989-11-09 a {r[1]}.",
                    _ => [Call("day_of_week", ("date", "1969-07-20")), Call("day_of_week", ("date", "1989-11-09"))])),
            new("power-and-paris", "parallel_multiple", "What is 2^10, and how many customers live in Paris?",
                [new("calculator", Result: r => r == "1024"), new("sql_query", Result: r => Cell(r) == paris.ToString(C))],
                ["1024", paris.ToString(C)], null, Script("What is 2^10, and how many customers live in Paris?",
                    r => $"2^10 = {r[0]}, and {Cell(r[1])} customers live in Paris.",
                    _ => [Call("calculator", ("expression", "2^10")), Call("sql_query", ("query",
                        "SELECT COUNT(*) FROM customers WHERE city = 'Paris'"))])),
            new("countdown", "multi_step", "How many days are left from today until 2027-01-01?",
                [new("current_time"), new("days_between", P(("start", [today]), ("end", ["2027-01-01"])))], ["200"], null,
                Script("How many days are left from today until 2027-01-01?", r => $"{r[1]} remain until 2027-01-01.",
                    _ => [Call("current_time", ("timezone", "UTC"))],
                    r => [Call("days_between", ("start", r[0][..10]), ("end", "2027-01-01"))])),
            new("backpacks", "multi_step", "Look up the price of a backpack, then tell me what 3 backpacks cost.",
                [new("sql_query", Result: r => double.TryParse(Cell(r), C, out var p) && p == backpack),
                 new("calculator", Result: r => double.TryParse(r, C, out var t) && Math.Abs(t - 3 * backpack) < 1e-9)],
                [(3 * backpack).ToString("0.##", C)], null,
                Script("Look up the price of a backpack, then tell me what 3 backpacks cost.", r => $"Three backpacks cost {r[1]} euros.",
                    _ => [Call("sql_query", ("query", "SELECT price FROM products WHERE name = 'backpack'"))],
                    r => [Call("calculator", ("expression", $"3 * {Cell(r[0])}"))])),
            new("hello", "no_tool", "Hello! Who are you?", [], ["assistant"], null,
                Script("Hello! Who are you?",
                    _ => "Hello! I am an assistant with tools for arithmetic, units, dates, the shop database and documents.")),
            new("thanks", "no_tool", "Thanks, that is all for today.", [], ["welcome"], null,
                Script("Thanks, that is all for today.", _ => "You're welcome!")),
        };
        if (withRetrieval)
        {
            tasks.Add(new("refunds", "multiple", "What does the handbook say about the refund window?",
                [new("search_documents", Result: r => r.Contains("30 days", StringComparison.Ordinal))], ["30 days"], null,
                Script("What does the handbook say about the refund window?", r => "According to the handbook: " + Passage(r[0]),
                    _ => [Call("search_documents", ("query", "refund window"), ("k", 2))])));
        }
        return tasks;
    }

    static HashSet<string> Only(params string[] names) => new(names, StringComparer.Ordinal);

    /// <summary>The first passage of a search result, without its "[1] title (source):" prefix and headings, on one line.</summary>
    public static string Passage(string searchResult)
    {
        string first = searchResult.Split("\n[")[0];
        int colon = first.IndexOf("): ", StringComparison.Ordinal);
        string text = colon < 0 ? first : first[(colon + 3)..];
        return string.Join(" ", text.Split('\n',
            StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l.Trim()));
    }
}
