using LlmLab.Agents.Agent;
using Microsoft.Extensions.AI;

namespace LlmLab.Cli.Commands;

/// <summary><c>llmlab agent run</c>: one request through the agent loop with the tools (local, or an MCP server's) and a
/// model (scripted, a local 7.1-style checkpoint, or an OpenAI-compatible endpoint); prints each call and the answer,
/// and writes the JSONL trace with --trace. With --stream the model's text is printed as it comes and each call and result
/// as it happens (the trace is the same).</summary>
public sealed class AgentRunCommand : CliCommand
{
    public override string Name => "agent run";
    public override string Summary => "answer a request with tools (calculator, SQL, files, dates, units, retrieval) and print the calls";
    public override string Usage => "\"request\" (--scripted | --checkpoint DIR | --openai-base-url URL --openai-model NAME) " +
        $"{AgentCli.ToolUsage} [--mcp-url URL] [--trace run.jsonl] [--max-iterations 8] [--max-calls 16] [--wall-time-s 60] " +
            $"[--no-guard] [--sequential] [--stream]";
    public override IReadOnlySet<string> Options => new HashSet<string>
        { "checkpoint", "openai-base-url", "openai-model", "db", "files", "rag", "mcp-url", "trace", "max-iterations", "max-calls",
            "wall-time-s", "threads" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "scripted", "no-guard", "sequential", "stream" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(1, this, "the request");
        string request = args.Positionals[0];
        if (string.IsNullOrWhiteSpace(request)) throw new InputException("the request is empty: say what the agent should do");
        var options = new AgentOptions(args.GetInt("max-iterations", 8, 1, 1000), args.GetInt("max-calls", 16, 1, 10_000),
            TimeSpan.FromSeconds(args.GetDouble("wall-time-s", 60, 0.001)), !args.Flag("sequential"), !args.Flag("no-guard"));
        string? tracePath = args.Get("trace");
        if (tracePath is not null) OutputPaths.File(tracePath, "--trace", args.Get("db"), args.Get("rag"));
        string? mcp = args.Get("mcp-url");
        if (mcp is not null && (args.Get("db") ?? args.Get("files") ?? args.Get("rag")) is not null)
            throw new UsageException("--mcp-url takes the tools from the server: leave out --db, --files and --rag", this);
        var model = AgentCli.Model(args, this, out var release);
        IAsyncDisposable? client = null;
        try
        {
            IReadOnlyList<Microsoft.Extensions.AI.AIFunction> tools;
            if (mcp is not null) (tools, client) = AgentCli.McpTools(mcp);
            else
            {
                tools = AgentCli.Tools(args, out var encoder);
                client = encoder is null ? null : new AsyncWrapper(encoder);
            }
            using var trace = tracePath is null ? new AgentTrace() : new AgentTrace(tracePath);
            var runner = new AgentRunner(model, tools, options);
            var run = args.Flag("stream") ? Stream(runner, request, trace, @out) : runner.RunAsync(request, trace).GetAwaiter().GetResult();
            if (!args.Flag("stream"))
            {
                foreach (var c in run.Calls)
                    @out.WriteLine($"→ [{c.Iteration}] {c.Name}({c.Arguments.GetRawText()}) {c.Status}: {Short(c.Result)}");
                @out.WriteLine();
                @out.WriteLine(run.Answer.Length > 0 ? run.Answer : $"(no answer: stopped by the {Describe(run.Stop)})");
            }
            else if (run.Answer.Length == 0) @out.WriteLine($"(no answer: stopped by the {Describe(run.Stop)})");
            @out.WriteLine($"\n{run.ModelTurns} model turn(s), {run.Calls.Count} call(s) ({run.Blocked.Count()} blocked), " +
                $"{run.Milliseconds / 1000:0.00} s" +
                (tracePath is null ? "" : $"; trace: {tracePath}"));
            return run.Stop == AgentStopReason.Answered ? 0 : 1;
        }
        finally
        {
            client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            release();
        }
    }

    /// <summary>Prints the streamed run as it comes: text as written, each call when the model asks for it, each result
    /// when the tool returns.</summary>
    static AgentRun Stream(AgentRunner runner, string request, AgentTrace trace, TextWriter @out)
    {
        AgentRun? run = null;
        bool midLine = false;
        async Task Print()
        {
            await foreach (var u in runner.RunStreamingAsync(request, trace, r => run = r).ConfigureAwait(false))
            {
                foreach (var content in u.Contents)
                {
                    string? line = content switch
                    {
                        FunctionCallContent c => $"→ {c.Name}({System.Text.Json.JsonSerializer.Serialize(c.Arguments)})",
                        FunctionResultContent r => $"  = {Short(ToolResultText.From(r.Result).Text)}",
                        _ => null,
                    };
                    if (line is not null)
                    {
                        if (midLine) @out.WriteLine();
                        @out.WriteLine(line);
                        midLine = false;
                    }
                    else if (content is TextContent { Text.Length: > 0 } t)
                    {
                        @out.Write(t.Text);
                        @out.Flush();
                        midLine = true;
                    }
                }
            }
        }
        Print().GetAwaiter().GetResult();
        if (midLine) @out.WriteLine();
        return run ?? throw new InvalidOperationException("the streamed run did not complete");
    }

    static string Short(string result)
    {
        result = result.ReplaceLineEndings(" ⏎ ");
        return result.Length > 160 ? result[..157] + "..." : result;
    }

    static string Describe(AgentStopReason stop) => stop switch
    {
        AgentStopReason.IterationLimit => "iteration limit (--max-iterations)",
        AgentStopReason.CallLimit => "call limit (--max-calls)",
        AgentStopReason.WallTime => "wall time (--wall-time-s)",
        _ => "model",
    };

    sealed class AsyncWrapper(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
