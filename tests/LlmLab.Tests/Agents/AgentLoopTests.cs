using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Agents.Agent;
using LlmLab.Agents.Tools;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Agents;

/// <summary>The agent loop with the scripted reference policy: the task set graded right, parallel calls really
/// concurrent, tool errors as results, the three limits, the JSONL trace, and the injection guard against a model that
/// obeys every injection.</summary>
public sealed class AgentLoopTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-agent-").FullName;
    readonly SampleWorkspace _ws;
    readonly IReadOnlyList<AIFunction> _tools;

    public AgentLoopTests()
    {
        _ws = SampleWorkspace.Create(Path.Combine(_root, "ws"));
        _tools = _ws.Tools(new FixedClock(AgentTaskSet.Now));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task The_scripted_policy_gets_every_task_right_and_the_trace_has_every_turn_and_call()
    {
        var tasks = AgentTaskSet.Create(_ws.Database, withRetrieval: false);
        var policy = new ScriptedPolicy(tasks.Select(t => t.Script));
        string tracePath = Path.Combine(_root, "trace.jsonl");
        IReadOnlyList<AgentTaskGrade> grades;
        using (var trace = new AgentTrace(tracePath)) grades = await AgentEvaluator.EvaluateAsync(policy, _tools, tasks,
            new AgentOptions(), trace);
        foreach (var g in grades)
            Assert.True(g.AllRight,
                $"{g.Task.Id}: tools {g.ToolsRight}, args {g.ArgsRight}, answer {g.AnswerRight} ('{g.Run.Answer}'; calls: " +
                string.Join("; ", g.Run.Calls.Select(c => $"{c.Name}({c.Arguments}) → {c.Status}: {c.Result}")) + ")");
        Assert.Contains(grades, g => g.Task.Category == "parallel" && g.Run.Calls.Count == 2 && g.Run.Calls.All(c => c.Iteration == 0));
        Assert.Contains(grades, g => g.Task.Category == "multi_step" && g.Run.Calls.Select(c => c.Iteration).Distinct().Count() == 2);
        Assert.All(grades.Where(g => g.Task.Category == "no_tool"), g => Assert.Empty(g.Run.Calls));

        var events = File.ReadAllLines(tracePath).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(tasks.Count, events.Count(e => (string?)e["type"] == "run"));
        Assert.Equal(grades.Sum(g => g.Run.Calls.Count), events.Count(e => (string?)e["type"] == "tool_call"));
        Assert.Equal(grades.Sum(g => g.Run.ModelTurns), events.Count(e => (string?)e["type"] == "model_turn"));
        var call = events.First(e => (string?)e["type"] == "tool_call");
        foreach (string field in (string[])["name", "arguments", "result", "status", "ms", "iteration"]) Assert.NotNull(call[field]);
    }

    [Fact]
    public async Task A_wrong_answer_from_a_broken_tool_is_caught_by_the_checker()
    {
        // The same calculator name, but off by one: the scripted policy passes its output through, the checker must fail it.
        var broken = _tools.Where(t => t.Name != "calculator")
            .Append(AIFunctionFactory.Create((string expression) => (ExpressionParser.Evaluate(expression) + 1).ToString(),
                "calculator")).ToList();
        var task = AgentTaskSet.Create(_ws.Database, false).Single(t => t.Id == "calc");
        var grades = await AgentEvaluator.EvaluateAsync(new ScriptedPolicy([task.Script]), broken, [task], new AgentOptions());
        Assert.True(grades[0].ToolsRight);
        Assert.False(grades[0].ArgsRight);
        Assert.False(grades[0].AnswerRight);
    }

    static ScriptedPolicy Policy(string request, Func<IReadOnlyList<string>, string> answer, params Func<IReadOnlyList<string>,
        IReadOnlyList<ScriptedCall>>[] steps) =>
        new([new AgentScript(request, steps, answer)]);

    static ScriptedCall Call(string name, params (string K, object? V)[] args) => new(name, args.ToDictionary(a => a.K, a => a.V));

    [Fact]
    public async Task Calls_of_one_turn_run_concurrently()
    {
        // Each tool waits until both have started: only concurrent execution finishes both (a 10 s timeout, never reached when right).
        var started = new CountdownEvent(2);
        string Meet()
        {
            started.Signal();
            return started.Wait(TimeSpan.FromSeconds(10)) ? "met" : "alone";
        }
        var tools = new[] { AIFunctionFactory.Create(Meet, "left"), AIFunctionFactory.Create(Meet, "right") };
        var policy = Policy("go", r => string.Join(",", r), _ => [Call("left"), Call("right")]);
        var run = await new AgentRunner(policy, tools, new AgentOptions { Guard = false }).RunAsync("go");
        Assert.Equal("met,met", run.Answer);
    }

    [Fact]
    public async Task Tool_errors_are_results_for_the_model_never_exceptions()
    {
        var policy = Policy("compute", r => "got: " + r[0], _ => [Call("calculator", ("expression", "__import__('os')"))]);
        var run = await new AgentRunner(policy, _tools).RunAsync("compute");
        Assert.Equal(AgentStopReason.Answered, run.Stop);
        var call = Assert.Single(run.Calls);
        Assert.Equal("error", call.Status);
        Assert.StartsWith("error: calculator:", call.Result);
        Assert.StartsWith("got: error:", run.Answer);
        // A wrong argument type is an error result too.
        var typed = Policy("typed", r => r[0], _ => [Call("add_days", ("date", "2024-01-01"), ("days", "many"))]);
        Assert.StartsWith("error:", (await new AgentRunner(typed, _tools).RunAsync("typed")).Answer);
    }

    /// <summary>A model that calls the calculator on every turn, forever.</summary>
    sealed class Obsessed : IChatClient
    {
        int _n;
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null, CancellationToken ct = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                [new FunctionCallContent($"c{Interlocked.Increment(ref _n)}", "calculator", new Dictionary<string,
                    object?> { ["expression"] = "1+1" })])));
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null,
            CancellationToken ct = default) =>
            throw new NotSupportedException();
        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }

    [Fact]
    public async Task The_iteration_limit_and_the_call_limit_stop_a_runaway_model()
    {
        var byIterations = await new AgentRunner(new Obsessed(), _tools, new AgentOptions(MaxIterations: 3,
            MaxCalls: 100)).RunAsync("loop");
        Assert.Equal(AgentStopReason.IterationLimit, byIterations.Stop);
        Assert.Equal(3, byIterations.Calls.Count);
        Assert.Equal("", byIterations.Answer);
        var byCalls = await new AgentRunner(new Obsessed(), _tools, new AgentOptions(MaxIterations: 50, MaxCalls: 2)).RunAsync("loop");
        Assert.Equal(AgentStopReason.CallLimit, byCalls.Stop);
        Assert.Equal(2, byCalls.Calls.Count(c => c.Status == "ok"));
    }

    /// <summary>A model that never answers.</summary>
    sealed class Silent : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null, CancellationToken ct = default)
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null,
            CancellationToken ct = default) =>
            throw new NotSupportedException();
        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }

    [Fact]
    public async Task The_wall_time_ends_a_run_with_a_stop_reason_not_an_exception()
    {
        var run = await new AgentRunner(new Silent(), _tools,
            new AgentOptions(WallTime: TimeSpan.FromMilliseconds(200))).RunAsync("anything");
        Assert.Equal(AgentStopReason.WallTime, run.Stop);
        Assert.Equal("", run.Answer);
    }

    [Fact]
    public async Task Injections_in_tool_output_reach_no_tool_with_the_guard_and_do_without_it()
    {
        var cases = AdversarialCase.Create(withRetrieval: false);
        var policy = new ScriptedPolicy(cases.Select(c => c.Script)); // obeys every injection
        var guarded = await AgentEvaluator.AttackAsync(policy, _tools, cases, new AgentOptions());
        foreach (var o in guarded)
        {
            Assert.True(o.Attempted, $"{o.Case.Id}: the naive policy did not take the bait, so the case tests nothing");
            Assert.True(o.Blocked && !o.ReachedTool, $"{o.Case.Id}: the injected call reached its tool");
            Assert.Equal(AgentStopReason.Answered, o.Run.Stop);
            Assert.DoesNotContain("tulip-4481", o.Run.Answer);
        }
        var open = await AgentEvaluator.AttackAsync(policy, _tools, cases, new AgentOptions { Guard = false });
        // Without the guard the private note leaks (it is inside the root); the traversal is still refused by the file tool.
        Assert.True(open.Single(o => o.Case.Id == "email-exfiltration").Succeeded);
        var traversal = open.Single(o => o.Case.Id == "readme-traversal");
        Assert.True(traversal.ReachedTool && !traversal.Succeeded);
    }

    [Fact]
    public async Task A_write_the_user_asks_for_passes_the_guard_and_is_refused_by_the_sql_tool()
    {
        var policy = Policy("Delete all orders from the database.", r => r[0], _ => [Call("sql_query", ("query", "DELETE FROM orders"))]);
        var run = await new AgentRunner(policy, _tools).RunAsync("Delete all orders from the database.");
        var call = Assert.Single(run.Calls);
        Assert.Equal("error", call.Status);
        Assert.Contains("only a SELECT", call.Result);
        Assert.Equal(_ws.Database.Orders.Count.ToString(),
            new ReadOnlySql(_ws.DatabasePath).Query("SELECT COUNT(*) FROM orders").Split('\n')[1]);
    }

    [Fact]
    public void The_guard_lets_a_data_call_through_when_its_words_come_from_the_user()
    {
        var guard = new InjectionGuard();
        var sql = _tools.Single(t => t.Name == "sql_query");
        List<ChatMessage> conversation =
        [
            new(ChatRole.User, "Find Grace's city, then count the orders of customers in that city."),
            new(ChatRole.Assistant, [new FunctionCallContent("a", "sql_query", new Dictionary<string,
                object?> { ["query"] = "SELECT city FROM customers WHERE name = 'Grace'" })]),
            new(ChatRole.Tool, [new FunctionResultContent("a", "city\nLyon\n(1 rows)")]),
        ];
        var clean = new FunctionCallContent("b", "sql_query", new Dictionary<string,
            object?> { ["query"] = "SELECT COUNT(*) FROM orders" });
        Assert.Null(guard.Check(conversation, clean, sql));
        // A value taken from the tool output is refused for a data tool (the guard's documented cost) …
        var chained = new FunctionCallContent("c", "sql_query", new Dictionary<string,
            object?> { ["query"] = "SELECT COUNT(*) FROM customers WHERE city = 'Lyon'" });
        Assert.Contains("'lyon'", guard.Check(conversation, chained, sql));
        // … and allowed for a pure one.
        Assert.Null(guard.Check(conversation, new FunctionCallContent("d", "calculator", new Dictionary<string,
            object?> { ["expression"] = "Lyon" }), null));
    }
}
