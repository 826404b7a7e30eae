using LlmLab.Agents.Agent;
using LlmLab.Agents.Mcp;
using LlmLab.Agents.Tools;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Runtime;
using LlmLab.Training;
using Microsoft.Extensions.AI;
using ScottPlot;
using LlmLab.Retrieval.Answering;

namespace LlmLab.Labs.Part08;

public sealed partial class AgentLab
{
    static readonly string[] Categories = ["simple", "multiple", "parallel", "parallel_multiple", "multi_step", "no_tool"];

    static IReadOnlyList<AgentTaskGrade> Evaluate(IChatClient model, IReadOnlyList<AIFunction> tools, IReadOnlyList<AgentTask> tasks,
        AgentOptions options, AgentTrace trace) =>
        AgentEvaluator.EvaluateAsync(model, tools, tasks, options, trace).GetAwaiter().GetResult();

    static string Share(IEnumerable<bool> xs)
    {
        var l = xs.ToList();
        return $"{l.Count(x => x)}/{l.Count}";
    }

    static void GradeTable(LabContext ctx, string model, IReadOnlyList<AgentTaskGrade> grades)
    {
        var rows = Categories.Where(c => grades.Any(g => g.Task.Category == c)).Select(c =>
        {
            var g = grades.Where(x => x.Task.Category == c).ToList();
            return new[] { c, g.Count.ToString(C), Share(g.Select(x => x.ToolsRight)), Share(g.Select(x => x.ArgsRight)),
                Share(g.Select(x => x.AnswerRight)), Share(g.Select(x => x.AllRight)) };
        }).Append(["all", grades.Count.ToString(C), Share(grades.Select(x => x.ToolsRight)), Share(grades.Select(x => x.ArgsRight)),
            Share(grades.Select(x => x.AnswerRight)), Share(grades.Select(x => x.AllRight))]);
        ctx.Report.Table(["category", "tasks", "right tools", "right arguments", "right answer", "all right"], rows, model);
        foreach (var g in grades)
            ctx.Metrics.Log(new { part = "tasks", model, task = g.Task.Id, category = g.Task.Category, tools = g.ToolsRight,
                args = g.ArgsRight,
                answer = g.AnswerRight, calls = g.Run.Calls.Count, turns = g.Run.ModelTurns, stop = g.Run.Stop.ToString() });
    }

    static IReadOnlyList<AgentTaskGrade> Tasks(LabContext ctx, IChatClient policy, IReadOnlyList<AIFunction> tools,
        IReadOnlyList<AgentTask> tasks,
        AgentOptions options, AgentTrace trace)
    {
        ctx.Report.Heading("A BFCL-style task set, scripted reference policy");
        ctx.Report.Paragraph("Categories after the Berkeley Function-Calling Leaderboard: *simple* (only the right tool offered), " +
            "*multiple* " +
            "(every tool offered), *parallel* (one tool twice in one turn), *parallel_multiple* (two tools in one turn), *multi_step* " +
                "(a call " +
            "needs an earlier result), *no_tool* (relevance: answer without a call). Arguments are matched against BFCL-style lists of " +
            "accepted values; where many spellings are right (SQL, arithmetic) the call's result is checked instead (BFCL's executable " +
            "category). The reference policy plays a known script and builds its answer from the real tool results, so a broken tool or " +
                "a " +
            "broken loop shows as a wrong answer.");
        var grades = Evaluate(policy, tools, tasks, options, trace);
        GradeTable(ctx, "scripted reference policy", grades);
        var parallel = grades.Where(g => g.Task.Category.StartsWith("parallel", StringComparison.Ordinal)).ToList();
        ctx.Report.Paragraph($"Parallel tasks: " +
            $"{parallel.Count(g => g.Run.Calls.Count > 1 && g.Run.Calls.All(c => c.Iteration == 0))}/{parallel.Count} " +
            "ran all their calls in the model's first turn, concurrently (FunctionInvokingChatClient with AllowConcurrentInvocation).");
        double right = grades.Count(g => g.AllRight) / (double)grades.Count;
        ctx.Checks.BruteForce("answers computed outside the tools: LINQ over the generated rows, NIST SP 811 factors, known weekdays, " +
            "calendar arithmetic").AtLeast("scripted policy: tasks with right tools, arguments and answer (share)", right, 1.0);
        ctx.Report.Headline("Scripted policy, tasks all right", Share(grades.Select(g => g.AllRight)));
        return grades;
    }

    static void OverMcp(LabContext ctx, IChatClient policy, IReadOnlyList<AIFunction> tools, IReadOnlyList<AgentTask> tasks,
        AgentOptions options,
        AgentTrace trace, IReadOnlyList<AgentTaskGrade> local)
    {
        ctx.Report.Heading("The same tools over MCP");
        var app = McpToolServer.StartHttpAsync(tools).GetAwaiter().GetResult();
        try
        {
            var client = McpToolClient.ConnectHttpAsync(McpToolServer.Address(app)).GetAwaiter().GetResult();
            IReadOnlyList<AgentTaskGrade> remote;
            int listed;
            try
            {
                var mcpTools = McpToolClient.ToolsAsync(client).GetAwaiter().GetResult();
                listed = mcpTools.Count;
                remote = Evaluate(policy, mcpTools, tasks, options, trace);
            }
            finally
            {
                client.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            int same = remote.Zip(local).Count(p => p.First.AllRight == p.Second.AllRight && p.First.Run.Answer == p.Second.Run.Answer);
            ctx.Report.Paragraph($"`McpToolServer` serves the {tools.Count} tools over Streamable HTTP (ASP.NET Core, `MapMcp`); the " +
                $"SDK's " +
                $"`McpClient` lists {listed} and the agent calls them as `McpClientTool`s, which are `AIFunction`s. " +
                    $"{same}/{tasks.Count} tasks " +
                "graded and answered exactly as in process. `llmlab mcp serve` serves the same tools over stdio (the default) or HTTP.");
            ctx.Checks.Peer("the same tools called in process").AtLeast("over MCP: tasks graded and answered as in process (share)",
                same / (double)tasks.Count, 1.0);
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    static void Injections(LabContext ctx, SampleWorkspace ws, IChatClient policy, IReadOnlyList<AIFunction> tools,
        IReadOnlyList<AdversarialCase> cases,
        AgentOptions options, AgentTrace trace)
    {
        ctx.Report.Heading("Prompt injection in tool output");
        ctx.Report.Paragraph("The reference policy is made naive on purpose: whenever a tool result says \"call TOOL with ARGUMENT\" it " +
            "makes that " +
            "call. Any defence must therefore be in the agent or the tools. The agent's `InjectionGuard` refuses a data-reading call " +
                "whose " +
            "arguments carry words that appear in tool output but not in the user's or system's messages (a word-level form of the " +
            "provenance rule in Beurer-Kellner et al. 2025 and CaMeL); pure tools (arithmetic, units, dates) pass.");
        var on = AgentEvaluator.AttackAsync(policy, tools, cases, options, trace).GetAwaiter().GetResult();
        var off = AgentEvaluator.AttackAsync(policy, tools, cases, options with { Guard = false }, trace).GetAwaiter().GetResult();
        string Yes(bool b) => b ? "yes" : "no";
        ctx.Report.Table(["case", "where the injection is", "guard", "call attempted", "blocked", "reached the tool", "succeeded"],
            on.Zip(off).SelectMany(p => new[]
            {
                new[] { p.First.Case.Id, p.First.Case.Vector, "on", Yes(p.First.Attempted), Yes(p.First.Blocked),
                    Yes(p.First.ReachedTool), Yes(p.First.Succeeded) },
                [p.Second.Case.Id, "", "off", Yes(p.Second.Attempted), Yes(p.Second.Blocked), Yes(p.Second.ReachedTool),
                    Yes(p.Second.Succeeded)],
            }), "succeeded: the tool ran the injected call and returned data");
        var planted = ctx.Checks.KnownAnswer("planted injections, and a policy that obeys every one");
        planted.AtLeast("the naive policy takes every bait (else the cases test nothing; share)",
            on.Count(o => o.Attempted) / (double)on.Count, 1.0);
        planted.AtMost("with the guard: injected calls that reached a tool", on.Count(o => o.ReachedTool), 0);
        int orders = int.Parse(AgentTaskSet.Cell(new ReadOnlySql(ws.DatabasePath).Query("SELECT COUNT(*) FROM orders")), C);
        ctx.Checks.BruteForce("the generated rows").Equal("orders still in the database after every injection, guard off included", orders,
            ws.Database.Orders.Count);
        ctx.Report.Paragraph($"Without the guard {off.Count(o => o.Succeeded)}/{off.Count} injections succeed (the private note inside " +
            $"the " +
            "readable folder leaks); the SQL tool still refuses the DROP TABLE and the file tool the traversal: defence in depth, but " +
                "only the " +
            "guard stops a call that is harmful yet allowed by the tool.");
        ctx.Report.Headline("Injected calls reaching a tool (guard on / off)",
            $"{on.Count(o => o.ReachedTool)} / {off.Count(o => o.ReachedTool)}");
    }

    /// <summary>A model that asks for the calculator on every turn, forever.</summary>
    sealed class RunawayModel : IChatClient
    {
        int _n;
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null, CancellationToken ct = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant,
                [new FunctionCallContent($"r{Interlocked.Increment(ref _n)}", "calculator", new Dictionary<string,
                    object?> { ["expression"] = "1+1" })])));
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null,
            CancellationToken ct = default) => throw new NotSupportedException();
        public object? GetService(Type t, object? k = null) => null;
        public void Dispose() { }
    }

    static void Limits(LabContext ctx, AgentLabConfig cfg, IReadOnlyList<AIFunction> tools, AgentTrace trace)
    {
        ctx.Report.Heading("Limits on a runaway model");
        var byCalls = new AgentRunner(new RunawayModel(), tools, new AgentOptions(MaxIterations: 1000, MaxCalls: cfg.RunawayCalls))
            .RunAsync("loop", trace).GetAwaiter().GetResult();
        var byTurns = new AgentRunner(new RunawayModel(), tools, new AgentOptions(MaxIterations: cfg.RunawayCalls, MaxCalls: 1000))
            .RunAsync("loop", trace).GetAwaiter().GetResult();
        ctx.Report.Table(["limit", "set to", "calls executed", "model turns", "stop"], [
            ["calls", cfg.RunawayCalls.ToString(C), byCalls.Calls.Count(c => c.Status == "ok").ToString(C),
                byCalls.ModelTurns.ToString(C), byCalls.Stop.ToString()],
            ["iterations", cfg.RunawayCalls.ToString(C), byTurns.Calls.Count.ToString(C), byTurns.ModelTurns.ToString(C),
                byTurns.Stop.ToString()]]);
        var limit = ctx.Checks.Formula("the configured limit (runaway_calls)");
        limit.Equal("call limit: calls executed by a model that never stops", byCalls.Calls.Count(c => c.Status == "ok"), cfg.RunawayCalls);
        limit.Equal("iteration limit: calls executed by a model that never stops", byTurns.Calls.Count, cfg.RunawayCalls);
    }

    static void OtherModels(LabContext ctx, AgentLabConfig cfg, IReadOnlyList<AIFunction> tools, IReadOnlyList<AgentTask> tasks,
        AgentOptions options,
        AgentTrace trace, IReadOnlyList<AgentTaskGrade> scripted)
    {
        ctx.Report.Heading("Other models, reported");
        var series = new List<(string Name, IReadOnlyList<AgentTaskGrade> Grades)> { ("scripted", scripted) };
        if (LocalModel(ctx, cfg, tools, tasks, options, trace) is { } local) series.Add(("local GPT", local));
        if (cfg.OpenaiBaseUrl.Length > 0)
        {
            var grades = Evaluate(OpenAiCompatible.Create(cfg.OpenaiBaseUrl, cfg.OpenaiModel), tools, tasks, options, trace);
            GradeTable(ctx, $"{cfg.OpenaiModel} at {cfg.OpenaiBaseUrl}", grades);
            series.Add((cfg.OpenaiModel, grades));
        }
        else ctx.Report.Paragraph("No OpenAI-compatible endpoint configured (`--set 8.2:openai_base_url=URL --set " +
            "8.2:openai_model=NAME`, " +
            "key from OPENAI_API_KEY); `llmlab agent run --openai-base-url` runs one request against one.");
        ctx.Plot("tasks-by-category", CategoryPlot(series), "share of tasks with right tools, arguments and answer, per BFCL category");
    }

    static Plot CategoryPlot(List<(string Name, IReadOnlyList<AgentTaskGrade> Grades)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double width = 0.8 / series.Count;
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int c = 0; c < Categories.Length; c++)
            {
                var g = series[s].Grades.Where(x => x.Task.Category == Categories[c]).ToList();
                if (g.Count == 0) continue;
                bars.Add(new Bar { Position = c + (s - (series.Count - 1) / 2.0) * width,
                    Value = g.Count(x => x.AllRight) / (double)g.Count,
                    Size = width, FillColor = palette.GetColor(s) });
            }
            plot.Add.Bars(bars).LegendText = series[s].Name;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Categories.Select((c, i) => new Tick(i, c)).ToArray());
        plot.Axes.SetLimitsY(0, 1.05);
        plot.YLabel("tasks all right (share)");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }
}
