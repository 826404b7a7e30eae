using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>Sits between the function-invoking client and the model and writes each model turn to the trace (its text,
/// the calls it asked for, tokens, duration). A streamed turn passes its updates through as they come and is traced once
/// its stream ends, from the updates put together — the same line a whole turn gives.</summary>
sealed class TracingChatClient(IChatClient inner, AgentTrace trace) : DelegatingChatClient(inner)
{
    int _turns;

    /// <summary>Model turns so far.</summary>
    public int Turns => Volatile.Read(ref _turns);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        int turn = Interlocked.Increment(ref _turns) - 1;
        long start = Stopwatch.GetTimestamp();
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Write(turn, options, response, start);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int turn = Interlocked.Increment(ref _turns) - 1;
        long start = Stopwatch.GetTimestamp();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(u);
            yield return u;
        }
        Write(turn, options, updates.ToChatResponse(), start);
    }

    void Write(int turn, ChatOptions? options, ChatResponse response, long start)
    {
        var calls = new JsonArray();
        foreach (var c in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            calls.Add(new JsonObject
            {
                ["id"] = c.CallId, ["name"] = c.Name,
                ["arguments"] = JsonSerializer.SerializeToNode(c.Arguments ?? new Dictionary<string, object?>(),
                    AIJsonUtilities.DefaultOptions),
            });
        }
        trace.Write("model_turn", new JsonObject
        {
            ["turn"] = turn,
            ["tools_offered"] = options?.Tools?.Count ?? 0,
            ["text"] = response.Text,
            ["calls"] = calls,
            ["input_tokens"] = response.Usage?.InputTokenCount,
            ["output_tokens"] = response.Usage?.OutputTokenCount,
            ["ms"] = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 2),
        });
    }
}
