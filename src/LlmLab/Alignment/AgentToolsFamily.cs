using System.Globalization;
using LlmLab.Inference;
using Microsoft.Extensions.AI;
using static LlmLab.Alignment.SyntheticVocabulary;

namespace LlmLab.Alignment;

/// <summary>
/// Tool calling with lab 8.2's agent tools (LlmLab.Agents' AgentToolbox: calculator, units, dates, SQL, file reader,
/// retrieval), so that lab 7.1's fine-tuning teaches the local GPT the tools its agent offers. The system message is
/// 8.2's tool list in the adapter's words (<see cref="ToolCallFormat.ToolList"/>; a test holds <see cref="Tools"/> to the
/// toolbox's real JSON schemas) — every tool half the time (BFCL's "multiple"), else a random subset holding the right
/// one (down to that tool alone, "simple") — and the reply is the call, <c>&lt;|tool_call|&gt;{"name":…,"arguments":{…}}</c>,
/// whose arguments fit that tool's schema. Checked like <see cref="ToolCallFamily"/>: right tool, same arguments as JSON
/// data. No request equals one of lab 8.2's evaluation tasks (Grace and notes/todo.txt are never drawn).
/// Difficulty: numbers up to 20, 200, 2000 and dates over 1, 10, 50 years.
/// </summary>
public sealed class AgentToolsFamily : TaskFamily
{
    /// <summary>Lab 8.2's tools in the toolbox's order, with their parameters in their schemas' order.</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Parameters)> Tools { get; } =
    [
        ("calculator", ["expression"]), ("convert_units", ["value", "from", "to"]), ("current_time", ["timezone"]),
        ("days_between", ["start", "end"]), ("add_days", ["date", "days"]), ("day_of_week", ["date"]), ("sql_query", ["query"]),
        ("read_file", ["path"]), ("list_files", []), ("search_documents", ["query", "k"]),
    ];

    // One phrasing per tool in each template: {0}, {1}, {2} are the tool's values (see Make).
    static readonly string[][] Templates =
    [
        ["What is {0} * {1} + {2}?", "Convert {0} {1} to {2}.", "What time is it in {0}?", "How many days are there from {0} to {1}?",
         "What date is {1} days after {0}?", "What day of the week was {0}?", "{0}", "What does {0} say?", "Which files are in the documents folder?",
         "Search the handbook for {0}."],
        ["Compute {0} times {1} plus {2}.", "How much is {0} {1} in {2}?", "Tell me the current time in {0}.", "Count the days between {0} and {1}.",
         "Add {1} days to {0}.", "Which weekday is {0}?", "{0}", "Open {0} and tell me what it says.", "List the files you can read.",
         "Look up {0} in the knowledge base."],
        ["Calculate {0} * {1} + {2}, please.", "I need {0} {1} expressed in {2}.", "Current local time in {0}?", "Days from {0} until {1}?",
         "{1} days after {0} is which date?", "On what day of the week did {0} fall?", "{0}", "Read the file {0} for me.",
         "Show me the documents you have.", "Find passages about {0}."],
        ["{0} times {1}, plus {2}: how much?", "{0} {1} is how many {2}?", "What's the clock showing in {0} now?",
         "How long, in days, from {0} to {1}?", "Which date comes {1} days after {0}?", "Was {0} a Monday? Which day was it?", "{0}",
         "Print the contents of {0}.", "What files are there?", "What does the knowledge base say about {0}?"],
    ];

    static readonly (string From, string To, string FromName, string ToName)[] Conversions =
    [
        ("km", "mi", "km", "miles"), ("mi", "km", "miles", "km"), ("kg", "lb", "kg", "pounds"), ("lb", "kg", "pounds", "kg"),
        ("ft", "m", "feet", "metres"), ("L", "gal", "litres", "gallons"), ("C", "F", "degrees Celsius", "Fahrenheit"),
        ("h", "min", "hours", "minutes"), ("kcal", "kJ", "kcal", "kJ"),
    ];

    static readonly Dictionary<string, string> Zones = new()
    {
        ["Paris"] = "Europe/Paris", ["Berlin"] = "Europe/Berlin", ["Madrid"] = "Europe/Madrid", ["Rome"] = "Europe/Rome",
        ["Lisbon"] = "Europe/Lisbon", ["Vienna"] = "Europe/Vienna", ["Oslo"] = "Europe/Oslo", ["Dublin"] = "Europe/Dublin",
        ["Prague"] = "Europe/Prague", ["Warsaw"] = "Europe/Warsaw", ["Athens"] = "Europe/Athens", ["Tokyo"] = "Asia/Tokyo",
    };

    static readonly string[] ShopCities = ["Paris", "Lyon", "Berlin", "Madrid", "Tokyo"];
    static readonly string[] Topics = ["refunds", "shipping times", "suppliers", "warranty", "returns policy", "delivery to Spain",
        "opening hours", "gift cards"];

    public override string Name => "agent_tools";
    public override int TemplateCount => Templates.Length;

    /// <summary>The system message offering every tool.</summary>
    public static string ToolList => ToolCallFormat.ToolList(Tools);

    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        var C = CultureInfo.InvariantCulture;
        int tool = rng.Next(Tools.Count), max = difficulty switch { 1 => 20, 2 => 200, _ => 2000 };
        int years = difficulty switch { 1 => 1, 2 => 10, _ => 50 };
        DateOnly Date() => new DateOnly(2026 - rng.Next(years), 1, 1).AddDays(rng.Next(365));
        string D(DateOnly d) => d.ToString("yyyy-MM-dd", C);
        object[] values;
        Dictionary<string, object?> args;
        switch (Tools[tool].Name)
        {
            case "calculator":
                int a = rng.Next(2, max + 1), b = rng.Next(2, max + 1), c = rng.Next(1, max + 1);
                (values, args) = ([a, b, c], new() { ["expression"] = $"{a} * {b} + {c}" });
                break;
            case "convert_units":
                var u = Pick(rng, Conversions);
                int v = rng.Next(1, max + 1);
                (values, args) = ([v, u.FromName, u.ToName], new() { ["value"] = v, ["from"] = u.From, ["to"] = u.To });
                break;
            case "current_time":
                string city = Pick(rng, Zones.Keys.ToArray());
                (values, args) = ([city], new() { ["timezone"] = Zones[city] });
                break;
            case "days_between":
                DateOnly s = Date(), e = s.AddDays(rng.Next(1, 40 * years));
                (values, args) = ([D(s), D(e)], new() { ["start"] = D(s), ["end"] = D(e) });
                break;
            case "add_days":
                DateOnly d0 = Date();
                int n = rng.Next(1, max + 1);
                (values, args) = ([D(d0), n], new() { ["date"] = D(d0), ["days"] = n });
                break;
            case "day_of_week":
                string day = D(Date());
                (values, args) = ([day], new() { ["date"] = day });
                break;
            case "sql_query":
                var (question, query) = Sql(rng);
                (values, args) = ([question], new() { ["query"] = query });
                break;
            case "read_file":
                string path = $"notes/{Pick(rng, Words)}.txt";
                (values, args) = ([path], new() { ["path"] = path });
                break;
            case "list_files":
                (values, args) = ([], []);
                break;
            default:
                string topic = Pick(rng, Topics);
                (values, args) = ([topic], new() { ["query"] = topic, ["k"] = 3 });
                break;
        }
        string user = string.Format(C, Templates[template][tool], values);
        return (Offered(rng, tool), user, new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_0", Tools[tool].Name, args)]));
    }

    /// <summary>A question about the shop database and the one SELECT that answers it.</summary>
    static (string Question, string Query) Sql(Random rng)
    {
        if (rng.Next(2) == 0)
        {
            string city = Pick(rng, ShopCities);
            return ($"How many customers live in {city}?", $"SELECT COUNT(*) FROM customers WHERE city = '{city}'");
        }
        string name = Pick(rng, Names.Where(n => n != "Grace").ToArray());             // Grace's city is one of 8.2's tasks
        return ($"Which city does {name} live in?", $"SELECT city FROM customers WHERE name = '{name}'");
    }

    /// <summary>Every tool half the time, else a random subset that keeps <paramref name="tool"/>, in the toolbox's order.</summary>
    static string Offered(Random rng, int tool)
    {
        if (rng.Next(2) == 0) return ToolList;
        var keep = Enumerable.Range(0, Tools.Count).Where(i => i == tool || rng.Next(3) == 0).Select(i => Tools[i]);
        return ToolCallFormat.ToolList(keep);
    }

    /// <summary>Right when the reply's call has the reference's tool and arguments (as JSON data); the format is valid when
    /// the reply is a call (<see cref="ToolCallFamily.Parse"/>).</summary>
    public override TaskGrade Check(string reference, string reply)
    {
        var want = ToolCallFamily.Parse(reference);
        var got = ToolCallFamily.Parse(reply);
        return new(want is { } w && got is { } g && w.Name == g.Name && AnswerParsing.SameJson(w.Arguments, g.Arguments), got is not null);
    }
}
