using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// A chat model whose replies are known in advance: a function of the conversation (or rules from a prompt file) gives
/// the reply and an optional delay. Its token usage is the number of white-space-separated words of the prompt and of
/// the reply — an approximation, stated, so that cost assertions have a known measurement to judge. For checking a
/// prompt harness's assertions on known outputs, and for runnable examples without a model. Thread-safe when the
/// function is.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    readonly Func<IReadOnlyList<ChatMessage>, (string Reply, int DelayMs)> _script;

    /// <param name="script">The reply (and a delay in milliseconds) for a conversation.</param>
    /// <param name="modelId">The id reported in responses.</param>
    public ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, (string Reply, int DelayMs)> script, string modelId = "scripted")
    {
        ArgumentNullException.ThrowIfNull(script);
        (_script, ModelId) = (script, modelId);
    }

    /// <summary>A client that follows <paramref name="rules"/>: the first whose pattern matches the last user message
    /// (or that has none) gives the reply; when none matches, the reply is empty.</summary>
    public static ScriptedChatClient FromRules(IReadOnlyList<ScriptedRule> rules, string modelId)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return new ScriptedChatClient(messages =>
        {
            string last = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
            var rule = rules.FirstOrDefault(r => r.When is null || r.When.IsMatch(last));
            return rule is null ? ("", 0) : (rule.Reply, rule.DelayMs);
        }, modelId);
    }

    public string ModelId { get; }

    /// <summary>Approximate tokens of a text: its white-space-separated words.</summary>
    public static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var (reply, delay) = _script(list);
        if (delay > 0) await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        int input = list.Sum(m => Words(m.Text)), output = Words(reply);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, reply))
        {
            ModelId = ModelId, FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
