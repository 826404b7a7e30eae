using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
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
/// any <see cref="AIFunction"/> (local or an MCP server's). A run is whole (<see cref="RunAsync(string, AgentTrace?,
/// CancellationToken)"/>) or streamed (<see cref="RunStreamingAsync(string, AgentTrace?, Action{AgentRun}?, CancellationToken)"/>),
/// with the same trace. Thread-safe: each run has its own state.
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
        using var run = Start(conversation, trace, cancellationToken);
        ChatResponse? response = null;
        try
        {
            response = await run.Invoking.GetResponseAsync(run.Messages, run.ChatOptions, run.Cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.WallTimeHit = true;
        }
        return run.Finish(response);
    }

    /// <summary>
    /// The same run as <see cref="RunAsync(IReadOnlyList{ChatMessage}, AgentTrace?, CancellationToken)"/>, streamed: the
    /// model's updates as they come (<see cref="FunctionInvokingChatClient.GetStreamingResponseAsync"/>: each turn's text
    /// and calls, the tools' results as <c>tool</c> updates, the calls executed between model turns), then
    /// <paramref name="completed"/> gets the <see cref="AgentRun"/>. The trace is the whole run's, event for event (only
    /// times and durations differ): a model turn is traced when its stream ends.
    /// </summary>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> RunStreamingAsync(IReadOnlyList<ChatMessage> conversation, AgentTrace? trace = null,
        Action<AgentRun>? completed = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var run = Start(conversation, trace, cancellationToken);
        var updates = new List<ChatResponseUpdate>();
        await using (var e = run.Invoking.GetStreamingResponseAsync(run.Messages, run.ChatOptions, run.Cancellation.Token)
            .GetAsyncEnumerator(run.Cancellation.Token))
        {
            while (true)
            {
                // No yield inside a try with a catch: the wall time (a cancellation) is caught around MoveNext only.
                try
                {
                    if (!await e.MoveNextAsync().ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    run.WallTimeHit = true;
                    break;
                }
                updates.Add(e.Current);
                yield return e.Current;
            }
        }
        var result = run.Finish(run.WallTimeHit ? null : updates.ToChatResponse());
        completed?.Invoke(result);
    }

    /// <summary>Streams the answer to <paramref name="request"/> (one user message); see
    /// <see cref="RunStreamingAsync(IReadOnlyList{ChatMessage}, AgentTrace?, Action{AgentRun}?, CancellationToken)"/>.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> RunStreamingAsync(string request, AgentTrace? trace = null,
        Action<AgentRun>? completed = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request)) throw new InputException("the request is empty: say what the agent should do");
        return RunStreamingAsync([new ChatMessage(ChatRole.User, request)], trace, completed, cancellationToken);
    }

    Run Start(IReadOnlyList<ChatMessage> conversation, AgentTrace? trace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        Options.Validate();
        return new Run(this, conversation, trace ?? new AgentTrace(), cancellationToken);
    }

    /// <summary>One run's set-up (the function-invoking client over the traced model, the options, the wall-time
    /// cancellation) and its end (stop reason, answer, the trace's <c>run</c> line), shared by the whole and streamed runs.</summary>
    sealed class Run : IDisposable
    {
        readonly IReadOnlyList<ChatMessage> _conversation;
        readonly AgentTrace _trace;
        readonly RunState _state;
        readonly TracingChatClient _traced;
        readonly long _start = Stopwatch.GetTimestamp();

        public Run(AgentRunner runner, IReadOnlyList<ChatMessage> conversation, AgentTrace trace, CancellationToken cancellationToken)
        {
            (_conversation, _trace) = (conversation, trace);
            var options = runner.Options;
            Messages = [new(ChatRole.System, options.Instructions ?? AgentOptions.DefaultInstructions), .. conversation];
            _state = new RunState(runner, trace);
            _traced = new TracingChatClient(runner.Model, trace);
            Invoking = new FunctionInvokingChatClient(_traced)
            {
                AllowConcurrentInvocation = options.ParallelCalls,
                MaximumIterationsPerRequest = options.MaxIterations,
                MaximumConsecutiveErrorsPerRequest = int.MaxValue, // errors are results for the model, never exceptions (see Invoke)
                IncludeDetailedErrors = true,
                FunctionInvoker = _state.InvokeAsync,
            };
            ChatOptions = new ChatOptions { Tools = [.. runner.Tools], ToolMode = ChatToolMode.Auto,
                AllowMultipleToolCalls = options.ParallelCalls };
            Cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Cancellation.CancelAfter(options.EffectiveWallTime);
        }

        public List<ChatMessage> Messages { get; }
        public FunctionInvokingChatClient Invoking { get; }
        public ChatOptions ChatOptions { get; }
        public CancellationTokenSource Cancellation { get; }
        public bool WallTimeHit { get; set; }

        /// <summary>The run's outcome from the client's response (null: the wall time stopped it), traced.</summary>
        public AgentRun Finish(ChatResponse? response)
        {
            AgentStopReason stop;
            if (response is null) stop = AgentStopReason.WallTime;
            else
            {
                bool pending = response.Messages.LastOrDefault()?.Contents.OfType<FunctionCallContent>().Any() == true;
                stop = _state.CallLimitHit ? AgentStopReason.CallLimit
                    : pending ? AgentStopReason.IterationLimit : AgentStopReason.Answered;
            }
            var all = new List<ChatMessage>(Messages);
            if (response is not null) all.AddRange(response.Messages);
            string answer = stop == AgentStopReason.Answered ? response!.Text.Trim() : "";
            double ms = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
            var calls = _state.Calls.OrderBy(c => c.Order).Select(c => c.Record).ToList();
            _trace.Write("run", new JsonObject
            {
                ["request"] = _conversation.LastOrDefault(m => m.Role == ChatRole.User)?.Text,
                ["answer"] = answer, ["stop"] = stop.ToString(), ["model_turns"] = _traced.Turns, ["calls"] = calls.Count,
                ["blocked"] = calls.Count(c => c.Status == "blocked"), ["ms"] = Math.Round(ms, 2),
            });
            return new AgentRun(answer, stop, calls, _traced.Turns, ms, all);
        }

        public void Dispose()
        {
            Invoking.Dispose();
            Cancellation.Dispose();
        }
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
                (status, text) = await ToolInvocation.RunAsync(ctx.Function, ctx.Arguments, runner.Options.ParallelCalls, ct)
                    .ConfigureAwait(false);
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
