using Microsoft.Extensions.AI;

namespace LlmLab.Monitoring.Cascade;

/// <summary>Judges the small model's answer for a <see cref="CascadeChatClient"/> (FrugalGPT's scoring function, Chen et
/// al. 2023, section 3). Implementations must be thread-safe.</summary>
public interface IConfidenceScorer
{
    /// <summary>A short name for reports and metrics ("logprob", "self-consistency-5").</summary>
    string Name { get; }

    /// <summary>The options of the small model's answer call (a scorer may ask for log-probabilities).</summary>
    ChatOptions? Prepare(ChatOptions? options) => options;

    /// <summary>Scores <paramref name="answer"/>, the small model's reply to <paramref name="messages"/>.</summary>
    Task<ConfidenceScore> ScoreAsync(IChatClient small, IReadOnlyList<ChatMessage> messages, ChatOptions? options, ChatResponse answer,
        CancellationToken ct);
}
