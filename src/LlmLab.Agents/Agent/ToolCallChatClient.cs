using System.Runtime.CompilerServices;
using System.Text.Json;
using LlmLab.Alignment;
using LlmLab.Inference;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>
/// Gives tools to a model fine-tuned with lab 7.1's tool-call format (<see cref="ToolCallFamily"/>): the offered tools
/// become the system message the model was trained on ("Tools: name(arg, …), …. Answer with one tool call."), the
/// model's <c>&lt;|tool_call|&gt;{"name":…,"arguments":{…}}</c> reply becomes a <see cref="FunctionCallContent"/> (one per
/// call, <see cref="ToolCallFormat.Parse"/>: the same reading as <c>llmlab serve</c>'s), and
/// earlier calls and results stay in the conversation, which <see cref="Inference.ChatTemplate.Chat"/> renders as
/// <c>&lt;|tool_call|&gt;</c> and <c>&lt;|tool_result|&gt;</c> turns. The inner client (e.g. LocalChatClient with the chat
/// template) never sees <see cref="ChatOptions.Tools"/>. A reply that is not a well-formed call is returned as text.
/// Thread-safe when the inner client is. Does not own the inner client.
/// </summary>
public sealed class ToolCallChatClient(IChatClient inner) : IChatClient
{
    int _calls;

    /// <summary>The model underneath.</summary>
    public IChatClient Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The system message listing <paramref name="tools"/> in 7.1's words (<see cref="ToolCallFormat.ToolList"/>).</summary>
    public static string ToolList(IEnumerable<AIFunction> tools) =>
        ToolCallFormat.ToolList(tools.Select(t => (t.Name, ToolCallFormat.ParameterNames(t.JsonSchema))));

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var tools = options?.Tools?.OfType<AIFunction>().ToList() ?? [];
        var list = messages.ToList();
        if (tools.Count > 0) list = ToolCallFormat.WithToolList(list, ToolList(tools));
        var innerOptions = options?.Clone();
        if (innerOptions is not null) (innerOptions.Tools, innerOptions.ToolMode, innerOptions.AllowMultipleToolCalls) = (null, null, null);
        var response = await Inner.GetResponseAsync(list, innerOptions, cancellationToken).ConfigureAwait(false);
        if (tools.Count > 0 && ToolCallFormat.Parse(response.Text) is { } calls)
        {
            var contents = calls.Select(call => (AIContent)new FunctionCallContent($"local_{Interlocked.Increment(ref _calls)}", call.Name,
                call.Arguments.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone()))).ToList();
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
            {
                ModelId = response.ModelId, ResponseId = response.ResponseId, CreatedAt = response.CreatedAt,
                FinishReason = ChatFinishReason.ToolCalls, Usage = response.Usage,
            };
        }
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A call is only known once the reply is complete, so the reply is produced whole and then split into updates.
        var r = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var u in r.ToChatResponseUpdates()) yield return u;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : Inner.GetService(serviceType, serviceKey);

    /// <summary>Nothing to release: the inner client belongs to the caller.</summary>
    public void Dispose() { }
}
