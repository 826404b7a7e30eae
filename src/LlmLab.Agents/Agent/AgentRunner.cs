using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>
/// The agent loop: Microsoft.Extensions.AI's <see cref="FunctionInvokingChatClient"/> (model → tool calls → results fed
/// back → … → answer; the calls of one turn run concurrently when <see cref="AgentOptions.ParallelCalls"/>) with this
/// project's policy in its <c>FunctionInvoker</c> hook: a limit on total calls, the <see cref="InjectionGuard"/>, tool
/// errors turned into results the model reads (never thrown to the user), and a trace line per call. The run's wall
/// time is a cancellation; iterations are the client's MaximumIterationsPerRequest. Works with any
/// <see cref="IChatClient"/> (scripted, local GPT through <see cref="ToolCallChatClient"/>, OpenAI-compatible) and
/// any <see cref="AIFunction"/> (local or an MCP server's). Thread-safe: each run has its own state.
/// </summary>
public sealed class AgentRunner(IChatClient model, IReadOnlyList<AIFunction> tools, AgentOptions? options = null)
{
    public IChatClient Model { get; } = model ?? throw new ArgumentNullException(nameof(model));
    public IReadOnlyList<AIFunction> Tools { get; } = tools ?? throw new ArgumentNullException(nameof(tools));
    public AgentOptions Options { get; } = options ?? new AgentOptions();

    /// <summary>Answers <paramref name="request"/> (one user message) with the tools.</summary>
    public Task<AgentRun> RunAsync(string request, AgentTrace? trace = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request)) throw new InputException("the request is empty: say what the agent should do");
        return RunAsync([new ChatMessage(ChatRole.User, request)], trace, cancellationToken);
    }

    /// <summary>Continues <paramref name="conversation"/> with the tools until the model answers or a limit stops it.</summary>
    /// <exception cref="OperationCanceledException">The caller cancelled (the wall time is not an exception: it is a stop
    /// reason).</exception>
    public async Task<AgentRun> RunAsync(IReadOnlyList<ChatMessage> conversation, AgentTrace? trace = null,
        CancellationToken cancellationToken = default)
    {
        Options.Validate();
        trace ??= new AgentTrace();
        string instructions = Options.Instructions ?? AgentOptions.DefaultInstructions;
        var messages = new List<ChatMessage> { new(ChatRole.System, instructions) };
        messages.AddRange(conversation);
        var state = new RunState(this, trace);
        var traced = new TracingChatClient(Model, trace);
        using var invoking = new FunctionInvokingChatClient(traced)
        {
            AllowConcurrentInvocation = Options.ParallelCalls,
            MaximumIterationsPerRequest = Options.MaxIterations,
            MaximumConsecutiveErrorsPerRequest = int.MaxValue, // errors are results for the model, never exceptions (see Invoke)
            IncludeDetailedErrors = true,
            FunctionInvoker = state.InvokeAsync,
        };
        var chatOptions = new ChatOptions { Tools = [.. Tools], ToolMode = ChatToolMode.Auto,
            AllowMultipleToolCalls = Options.ParallelCalls };
        long start = Stopwatch.GetTimestamp();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Options.EffectiveWallTime);
        ChatResponse? response = null;
        AgentStopReason stop;
        try
        {
            response = await invoking.GetResponseAsync(messages, chatOptions, cts.Token).ConfigureAwait(false);
            bool pending = response.Messages.LastOrDefault()?.Contents.OfType<FunctionCallContent>().Any() == true;
            stop = state.CallLimitHit ? AgentStopReason.CallLimit : pending ? AgentStopReason.IterationLimit : AgentStopReason.Answered;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stop = AgentStopReason.WallTime;
        }
        var all = new List<ChatMessage>(messages);
        if (response is not null) all.AddRange(response.Messages);
        string answer = stop == AgentStopReason.Answered ? response!.Text.Trim() : "";
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var calls = state.Calls.OrderBy(c => c.Order).Select(c => c.Record).ToList();
        trace.Write("run", new JsonObject
        {
            ["request"] = conversation.LastOrDefault(m => m.Role == ChatRole.User)?.Text,
            ["answer"] = answer, ["stop"] = stop.ToString(), ["model_turns"] = traced.Turns, ["calls"] = calls.Count,
            ["blocked"] = calls.Count(c => c.Status == "blocked"), ["ms"] = Math.Round(ms, 2),
        });
        return new AgentRun(answer, stop, calls, traced.Turns, ms, all);
    }

    static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>The per-run state the invoker hook updates (concurrently, for parallel calls).</summary>
    sealed class RunState(AgentRunner runner, AgentTrace trace)
    {
        readonly InjectionGuard _guard = new();
        int _executed, _order;
        volatile bool _callLimitHit;

        public ConcurrentBag<(int Order, ToolCallRecord Record)> Calls { get; } = [];
        public bool CallLimitHit => _callLimitHit;

        public async ValueTask<object?> InvokeAsync(FunctionInvocationContext ctx, CancellationToken ct)
        {
            int order = Interlocked.Increment(ref _order);
            var call = ctx.CallContent;
            string status;
            string text;
            long start = Stopwatch.GetTimestamp();
            string? refusal = runner.Options.Guard ? _guard.Check(ctx.Messages, call, ctx.Function, runner.Options.Instructions) : null;
            if (refusal is not null) (status, text) = ("blocked", refusal);
            else if (Interlocked.Increment(ref _executed) > runner.Options.MaxCalls)
            {
                _callLimitHit = true;
                ctx.Terminate = true;
                (status, text) = ("limit", $"not run: the run's limit of {runner.Options.MaxCalls} tool calls is reached");
            }
            else
            {
                try
                {
                    // Our tools are synchronous (SQL, files): started inline, the first would block the client's
                    // concurrent loop before the second starts, so parallel calls go to the thread pool.
                    var invocation = runner.Options.ParallelCalls
                        ? Task.Run(async () => await ctx.Function.InvokeAsync(ctx.Arguments, ct).ConfigureAwait(false), ct)
                        : ctx.Function.InvokeAsync(ctx.Arguments, ct).AsTask();
                    var (t, isError) = ToolResultText.From(await invocation.ConfigureAwait(false));
                    (status, text) = isError ? ("error", "error: " + t) : ("ok", t);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Bad arguments (InputException, a JSON conversion), a tool's own failure: the model reads it and may retry.
                    (status, text) = ("error", $"error: {(e is InputException ? "" : e.GetType().Name + ": ")}{e.Message}");
                }
            }
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var args = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), Compact);
            Calls.Add((order, new ToolCallRecord(ctx.Iteration, call.CallId, call.Name, args, text, status, ms)));
            trace.Write("tool_call", new JsonObject
            {
                ["iteration"] = ctx.Iteration, ["id"] = call.CallId, ["name"] = call.Name,
                ["arguments"] = JsonNode.Parse(args.GetRawText()), ["status"] = status, ["result"] = text, ["ms"] = Math.Round(ms, 2),
            });
            return text;
        }
    }
}
