using System.Security.Cryptography;
using System.Text.Json;
using Json.Schema;
using LlmLab.Agents.Tools;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>Lab 8.2's tools on known answers, and their refusals: code in the calculator, writes in SQL, paths out of the
/// file reader's root (traversal and symbolic links).</summary>
public sealed class AgentToolTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-tools-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("2 + 3 * 4", 14)]
    [InlineData("(17 * 23 + 4) / 5", 79)]
    [InlineData("2^3^2", 512)] // right-associative
    [InlineData("-2^2", -4)] // ^ binds tighter than unary minus
    [InlineData("sqrt(16) + abs(-3)", 7)]
    [InlineData("round(2.345, 2)", 2.35)]
    [InlineData("10 % 4", 2)]
    [InlineData("1.5e3 / 3", 500)]
    [InlineData("max(2, min(7, 5))", 5)]
    public void Calculator_known_answers(string expression, double expected) =>
        Assert.Equal(expected, ExpressionParser.Evaluate(expression), 1e-12);

    [Theory]
    [InlineData("System.IO.File.Delete(\"/tmp/x\")")]
    [InlineData("__import__('os').system('ls')")]
    [InlineData("1; rm -rf /")]
    [InlineData("typeof(object).Assembly")]
    [InlineData("x = 1")]
    [InlineData("eval(\"1+1\")")]
    [InlineData("Environment.Exit(1)")]
    [InlineData("new System.Diagnostics.Process()")]
    [InlineData("1/0")]
    [InlineData("sqrt(1, 2)")]
    public void Calculator_refuses_code_and_nonsense(string expression)
    {
        var e = Assert.Throws<InputException>(() => ExpressionParser.Evaluate(expression));
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Calculator_refuses_deep_nesting_without_overflowing_the_stack() =>
        Assert.Throws<InputException>(() => ExpressionParser.Evaluate(new string('(', 200) + "1" + new string(')', 200)));

    [Fact]
    public void Unit_conversions_use_exact_factors_and_refuse_mixed_quantities()
    {
        Assert.Equal(26.2 * 1.609344, UnitConverter.Convert(26.2, "miles", "km"), 1e-12); // NIST SP 811: 1 mi = 1609.344 m
        Assert.Equal(212, UnitConverter.Convert(100, "C", "F"), 1e-9);
        Assert.Equal(-40, UnitConverter.Convert(-40, "celsius", "fahrenheit"), 1e-9);
        Assert.Equal(273.15, UnitConverter.Convert(0, "C", "K"), 1e-9);
        Assert.Throws<InputException>(() => UnitConverter.Convert(1, "kg", "m"));
        Assert.Throws<InputException>(() => UnitConverter.Convert(1, "C", "m"));
        Assert.Throws<InputException>(() => UnitConverter.Convert(1, "furlong", "m"));
    }

    [Fact]
    public void Dates_known_answers_and_a_fixed_clock()
    {
        var d = new DateCalculator(new FixedClock(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(60, d.DaysBetween("2024-01-01", "2024-03-01")); // 31 + 29 (leap year)
        Assert.Equal("Saturday", d.DayOfWeek("2000-01-01"));
        Assert.Equal("2025-02-13", d.AddDays("2024-11-15", 90));
        Assert.StartsWith("2026-06-15 14:00", d.Now("Europe/Paris")); // CEST = UTC+2 in June
        Assert.StartsWith("2026-06-15 12:00", d.Now(null));
        Assert.Throws<InputException>(() => d.DayOfWeek("15/06/2026"));
        Assert.Throws<InputException>(() => d.Now("Mars/Olympus"));
    }

    string NewDatabase(out SampleDatabase data)
    {
        string path = Path.Combine(_root, $"shop-{Guid.NewGuid():N}.db");
        data = SampleDatabase.Create(path);
        return path;
    }

    [Fact]
    public void Sql_answers_match_brute_force_over_the_generated_rows()
    {
        var sql = new ReadOnlySql(NewDatabase(out var data));
        string count = sql.Query("SELECT COUNT(*) FROM orders");
        Assert.Equal(data.Orders.Count.ToString(), count.Split('\n')[1]);
        int penId = data.Products.Single(p => p.Name == "pen").Id;
        string pens = sql.Query("SELECT SUM(quantity) AS n FROM orders WHERE product_id = " + penId);
        Assert.Equal(data.Orders.Where(o => o.ProductId == penId).Sum(o => o.Quantity).ToString(), pens.Split('\n')[1]);
        Assert.Equal("n", pens.Split('\n')[0]);
    }

    [Theory]
    [InlineData("DROP TABLE orders")]
    [InlineData("DELETE FROM orders")]
    [InlineData("INSERT INTO customers VALUES (99, 'Mallory', 'Paris')")]
    [InlineData("UPDATE products SET price = 0")]
    [InlineData("SELECT 1; DROP TABLE orders")]
    [InlineData("SELECT 1; DELETE FROM orders;")]
    [InlineData("WITH x AS (SELECT 1) DELETE FROM orders")]
    [InlineData("WITH x AS (SELECT 1) INSERT INTO customers SELECT 100, 'Eve', 'Lyon' FROM x")]
    [InlineData("ATTACH DATABASE '/tmp/llmlab-evil.db' AS evil")]
    [InlineData("PRAGMA journal_mode = DELETE")]
    [InlineData("CREATE TABLE t (x)")]
    [InlineData("SELECT load_extension('/tmp/evil.so')")]
    [InlineData("")]
    public void Sql_refuses_everything_but_one_select_and_the_file_is_unchanged(string query)
    {
        string path = NewDatabase(out var data);
        byte[] before = SHA256.HashData(File.ReadAllBytes(path));
        var sql = new ReadOnlySql(path);
        var e = Assert.Throws<InputException>(() => sql.Query(query));
        Assert.DoesNotContain("\n", e.Message);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(path)));
        Assert.Equal(data.Orders.Count.ToString(), sql.Query("SELECT COUNT(*) FROM orders").Split('\n')[1]);
        Assert.False(File.Exists("/tmp/llmlab-evil.db"));
    }

    [Fact]
    public void Sql_stops_at_the_row_limit_and_the_time_limit()
    {
        var sql = new ReadOnlySql(NewDatabase(out _), maxRows: 5, timeout: TimeSpan.FromMilliseconds(300));
        string rows = sql.Query("SELECT * FROM orders");
        Assert.Equal(1 + 5 + 1, rows.Split('\n').Length);
        Assert.Contains("row limit", rows);
        // An endless recursive CTE: only the interrupt ends it.
        var e = Assert.Throws<InputException>(()
            => sql.Query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"));
        Assert.Contains("was stopped", e.Message);
    }

    string NewDocs()
    {
        string ws = Path.Combine(_root, "ws-" + Guid.NewGuid().ToString("N"));
        SampleWorkspace.Create(ws);
        return ws;
    }

    [Fact]
    public void File_reader_reads_inside_and_refuses_traversal_and_absolute_paths()
    {
        string ws = NewDocs();
        var reader = new ConfinedFileReader(Path.Combine(ws, "docs"));
        Assert.Contains("blue notebooks", reader.Read("notes/todo.txt"));
        Assert.Contains("blue notebooks", reader.Read("./notes/../notes/todo.txt"));
        foreach (string bad in (string[])["../secrets.txt", "notes/../../secrets.txt", Path.Combine(ws, "secrets.txt"), "/etc/passwd",
                     "../../../../../../etc/passwd", "notes", "missing.txt", ""])
        {
            var e = Assert.Throws<InputException>(() => reader.Read(bad));
            Assert.DoesNotContain(SampleWorkspace.SecretText, e.Message);
        }
        Assert.Contains("notes/todo.txt", reader.List());
    }

    [Fact]
    public void File_reader_never_follows_symbolic_links()
    {
        string ws = NewDocs();
        string docs = Path.Combine(ws, "docs");
        File.CreateSymbolicLink(Path.Combine(docs, "escape.txt"), Path.Combine(ws, "secrets.txt"));
        Directory.CreateSymbolicLink(Path.Combine(docs, "up"), ws);
        File.CreateSymbolicLink(Path.Combine(docs, "inside.txt"), Path.Combine(docs, "notes", "todo.txt")); // even one that stays inside
        var reader = new ConfinedFileReader(docs);
        foreach (string bad in (string[])["escape.txt", "up/secrets.txt", "up/docs/notes/todo.txt", "inside.txt"])
        {
            var e = Assert.Throws<InputException>(() => reader.Read(bad));
            Assert.Contains("symbolic link", e.Message);
        }
        Assert.DoesNotContain("escape.txt", reader.List());
        Assert.DoesNotContain(reader.List(), f => f.StartsWith("up/", StringComparison.Ordinal));
    }

    [Fact]
    public void File_reader_refuses_binary_files()
    {
        string ws = NewDocs();
        File.WriteAllBytes(Path.Combine(ws, "docs", "blob.bin"), [1, 2, 0, 3]);
        Assert.Throws<InputException>(() => new ConfinedFileReader(Path.Combine(ws, "docs")).Read("blob.bin"));
    }

    [Fact]
    public async Task Every_tool_has_a_valid_json_schema_that_accepts_a_right_call_and_rejects_a_wrong_one()
    {
        string ws = NewDocs();
        var tools = AgentToolbox.Create(new AgentToolboxOptions(Path.Combine(ws, "shop.db"), Path.Combine(ws, "docs")));
        Assert.Equal(["add_days", "calculator", "convert_units", "current_time", "day_of_week", "days_between", "list_files", "read_file",
            "sql_query"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        var good = new Dictionary<string, string>
        {
            ["calculator"] = """{"expression":"1+1"}""", ["convert_units"] = """{"value":1,"from":"km","to":"m"}""",
            ["current_time"] = """{"timezone":"UTC"}""", ["days_between"] = """{"start":"2024-01-01","end":"2024-01-02"}""",
            ["add_days"] = """{"date":"2024-01-01","days":3}""", ["day_of_week"] = """{"date":"2024-01-01"}""",
            ["sql_query"] = """{"query":"SELECT 1"}""", ["read_file"] = """{"path":"notes/todo.txt"}""", ["list_files"] = "{}",
        };
        foreach (var tool in tools)
        {
            var schema = JsonSchema.FromText(tool.JsonSchema.GetRawText());
            Assert.True(schema.Evaluate(JsonDocument.Parse(good[tool.Name]).RootElement).IsValid, tool.Name);
            if (tool.Name != "list_files")
                Assert.False(schema.Evaluate(JsonDocument.Parse("""{"unrelated": true}""").RootElement).IsValid,
                    $"{tool.Name} accepts a call without its arguments");
            var result = await tool.InvokeAsync(new AIFunctionArguments(JsonSerializer.Deserialize<Dictionary<string,
                object?>>(good[tool.Name])!));
            Assert.NotNull(result);
        }
    }
}
