using System.Globalization;
using LlmLab.Inference;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;
using static LlmLab.Alignment.SyntheticVocabulary;

namespace LlmLab.Alignment;

/// <summary>
/// Tool calling with lab 8.2's agent tools (LlmLab.Agents' AgentToolbox: calculator, units, dates, SQL, file reader,
/// retrieval), so that lab 7.1's fine-tuning teaches the local GPT the whole exchange its agent runs. The system message is
/// 8.2's tool list in the adapter's words (<see cref="ToolCallFormat.ToolList"/>; a test holds <see cref="Tools"/> to the
/// toolbox's real JSON schemas) — every tool half the time (BFCL's "multiple"), else a random subset holding the right
/// ones (down to one tool alone, "simple"). Three kinds of conversation:
/// <list type="bullet">
/// <item>one call (65%): the call <c>&lt;|tool_call|&gt;{"name":…,"arguments":{…}}</c> whose arguments fit the tool's
/// schema, the tool's real output as a <c>&lt;|tool_result|&gt;</c> turn, then the answer, a sentence built from that
/// output (<see cref="AgentToolsAnswers"/>);</item>
/// <item>two requests in one message (20%): call, result, second call, result, one answer holding both results
/// (one call a turn: 7.1's format and its JSONL carry one call per assistant message);</item>
/// <item>no tool needed (15%, BFCL's relevance detection): a greeting or thanks answered in text, no call.</item>
/// </list>
/// The outputs come from <c>runTool</c>, which runs the real tools (LlmLab.Agents, which this core library cannot
/// reference, passes it: AgentToolsData); without it, or when it cannot run a tool (null), a conversation ends at its
/// first call, as 7.1's <see cref="ToolCallFamily"/> does. SFT trains on the assistant's turns only (the calls and the
/// answer); the tool results are context (<see cref="ChatTemplate.Encode"/> masks them). <see cref="Check"/> grades a call
/// against a call (right tool, same arguments as JSON data) and an answer against an answer (its values, not its words).
/// No request equals one of lab 8.2's evaluation tasks (Grace and notes/todo.txt are never drawn). Difficulty: numbers
/// up to 20, 200, 2000 and dates over 1, 10, 50 years.
/// </summary>
public sealed class AgentToolsFamily(Func<FunctionCallContent, string?>? runTool = null) : TaskFamily
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
         "What date is {1} days after {0}?", "What day of the week was {0}?", "{0}", "What does {0} say?",
             "Which files are in the documents folder?",
         "Search the handbook for {0}."],
        ["Compute {0} times {1} plus {2}.", "How much is {0} {1} in {2}?", "Tell me the current time in {0}.",
            "Count the days between {0} and {1}.",
         "Add {1} days to {0}.", "Which weekday is {0}?", "{0}", "Open {0} and tell me what it says.", "List the files you can read.",
         "Look up {0} in the knowledge base."],
        ["Calculate {0} * {1} + {2}, please.", "I need {0} {1} expressed in {2}.", "Current local time in {0}?", "Days from {0} until {1}?",
         "{1} days after {0} is which date?", "On what day of the week did {0} fall?", "{0}", "Read the file {0} for me.",
         "Show me the documents you have.", "Find passages about {0}."],
        ["{0} times {1}, plus {2}: how much?", "{0} {1} is how many {2}?", "What's the clock showing in {0} now?",
         "How long, in days, from {0} to {1}?", "Which date comes {1} days after {0}?", "Was {0} a Monday? Which day was it?", "{0}",
         "Print the contents of {0}.", "What files are there?", "What does the knowledge base say about {0}?"],
    ];

    // Per template: what joins two requests, and the requests that need no tool (greeting with {0} a name, thanks, identity).
    static readonly string[] Joiners = ["Also,", "And then:", "One more thing:", "Next question:"];
    static readonly string[][] NoTool =
    [
        ["Hi, my name is {0}.", "Thank you very much!", "What can you do?"],
        ["Good morning, I am {0}.", "Great, thanks for your help.", "What are you able to help with?"],
        ["Hello there, {0} speaking.", "Perfect, many thanks.", "Tell me what you can do for me."],
        ["Hey, it's {0} here.", "Cheers, that was useful!", "What kind of things can you help me with?"],
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

    /// <summary>The first assistant turn of a conversation (the call, or the direct answer).</summary>
    protected override (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty)
    {
        var (system, user, turns) = MakeConversation(rng, template, difficulty);
        return (system, user, turns[0]);
    }

    protected override (string? System, string User, IReadOnlyList<ChatMessage> Turns) MakeConversation(Random rng, int template,
        int difficulty)
    {
        int kind = rng.Next(20);
        if (kind < 3)
        {
            int which = rng.Next(NoTool[template].Length);
            string name = Pick(rng, Names.Where(n => n != "Grace").ToArray());
            string user = string.Format(CultureInfo.InvariantCulture, NoTool[template][which], name);
            return (Offered(rng, [rng.Next(Tools.Count)]), user, [Answer(AgentToolsAnswers.Direct(which, name))]);
        }
        int first = rng.Next(Tools.Count);
        var requests = new List<Request> { Draw(rng, template, first, difficulty) };
        if (kind < 7)
        {
            int second = (first + 1 + rng.Next(Tools.Count - 1)) % Tools.Count;
            requests.Add(Draw(rng, template, second, difficulty));
        }
        string text = string.Join($" {Joiners[template]} ", requests.Select(r => r.User));
        string system = Offered(rng, [.. requests.Select(r => r.Tool)]);
        var turns = new List<ChatMessage>();
        var answers = new List<string>();
        for (int i = 0; i < requests.Count; i++)
        {
            var call = new FunctionCallContent($"call_{i}", Tools[requests[i].Tool].Name, requests[i].Arguments);
            turns.Add(new ChatMessage(ChatRole.Assistant, [call]));
            if (runTool?.Invoke(call) is not { } output) return (system, text, [turns[0]]);       // nothing ran: end at the first call
            turns.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, output)]));
            answers.Add(AgentToolsAnswers.From(call, requests[i].Values, output));
        }
        turns.Add(Answer(string.Join(" ", answers)));
        return (system, text, turns);
    }

    /// <summary>One request: the tool's index, the user's sentence, the values the sentence holds, the call's arguments.</summary>
    sealed record Request(int Tool, string User, object[] Values, Dictionary<string, object?> Arguments);

    static Request Draw(Random rng, int template, int tool, int difficulty)
    {
        var C = CultureInfo.InvariantCulture;
        int max = difficulty switch { 1 => 20, 2 => 200, _ => 2000 };
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
                var (question, query, subject) = Sql(rng);
                (values, args) = ([question, subject], new() { ["query"] = query });
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
        return new Request(tool, string.Format(C, Templates[template][tool], values), values, args);
    }

    /// <summary>A question about the shop database, the one SELECT that answers it, and what it asks about (a city for a
    /// count, a name for a city).</summary>
    static (string Question, string Query, string Subject) Sql(Random rng)
    {
        if (rng.Next(2) == 0)
        {
            string city = Pick(rng, ShopCities);
            return ($"How many customers live in {city}?", $"SELECT COUNT(*) FROM customers WHERE city = '{city}'", city);
        }
        string name = Pick(rng, Names.Where(n => n != "Grace").ToArray());             // Grace's city is one of 8.2's tasks
        return ($"Which city does {name} live in?", $"SELECT city FROM customers WHERE name = '{name}'", name);
    }

    /// <summary>Every tool half the time, else a random subset that keeps <paramref name="tools"/>, in the toolbox's order.</summary>
    static string Offered(Random rng, IReadOnlyList<int> tools)
    {
        if (rng.Next(2) == 0) return ToolList;
        var keep = Enumerable.Range(0, Tools.Count).Where(i => tools.Contains(i) || rng.Next(3) == 0).Select(i => Tools[i]);
        return ToolCallFormat.ToolList(keep);
    }

    /// <summary>
    /// A reference call (the first turn, <see cref="FirstTurn"/>) is matched by a reply whose call has its tool and
    /// arguments (as JSON data); the format is valid when the reply is a call (<see cref="ToolCallFamily.Parse"/>). A
    /// reference answer (the last turn, or a reply that needs no tool) is matched by a text reply — not a call — holding
    /// each of its values (<see cref="AgentToolsAnswers.Values"/>: numbers compared as numbers, dates, times, names); the
    /// format is valid when the reply is text, not a call.
    /// </summary>
    public override TaskGrade Check(string reference, string reply)
    {
        var want = ToolCallFamily.Parse(reference);
        var got = ToolCallFamily.Parse(reply);
        if (want is { } w)
            return new(got is { } g && w.Name == g.Name && AnswerParsing.SameJson(w.Arguments, g.Arguments), got is not null);
        bool text = got is null && !(reply ?? "").TrimStart().StartsWith(ChatTokens.ToolCall, StringComparison.Ordinal)
            && !string.IsNullOrWhiteSpace(reply);
        return new(text && AgentToolsAnswers.Holds(reply!, reference), text);
    }

    /// <summary><paramref name="x"/> up to its first assistant turn: the request and the reference call (or direct answer)
    /// a model must produce first — what "held-out call accuracy" grades.</summary>
    public static SyntheticExample FirstTurn(SyntheticExample x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int first = x.Messages.ToList().FindIndex(m => m.Role == ChatRole.Assistant);
        return first < 0 ? x : x with { Messages = x.Messages.Take(first + 1).ToArray() };
    }
}
