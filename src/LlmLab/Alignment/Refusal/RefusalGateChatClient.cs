using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="DelegatingChatClient"/> that puts a <see cref="RefusalGate"/> in front of any
/// <see cref="IChatClient"/>: a refused request gets the gate's refusal (finish reason
/// <see cref="ChatFinishReason.ContentFilter"/>, the score in <c>AdditionalProperties["refusal_score"]</c>) and never
/// reaches the inner client; every other request is passed through unchanged. Thread-safe when the inner client and
/// the gate are.
/// </summary>
public sealed class RefusalGateChatClient(IChatClient innerClient, RefusalGate gate) : DelegatingChatClient(innerClient)
{
    /// <summary>The gate.</summary>
    public RefusalGate Gate { get; } = gate ?? throw new ArgumentNullException(nameof(gate));

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var decision = await Gate.ScreenAsync(list, cancellationToken).ConfigureAwait(false);
        if (!decision.Refused) return await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Gate.RefusalText))
        {
            FinishReason = ChatFinishReason.ContentFilter,
            ModelId = options?.ModelId,
            AdditionalProperties = new() { ["refusal_score"] = decision.Score },
        };
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var decision = await Gate.ScreenAsync(list, cancellationToken).ConfigureAwait(false);
        if (decision.Refused)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, Gate.RefusalText)
            {
                FinishReason = ChatFinishReason.ContentFilter,
                AdditionalProperties = new() { ["refusal_score"] = decision.Score },
            };
            yield break;
        }
        await foreach (var u in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false)) yield return u;
    }
}
