using Microsoft.Extensions.AI;

namespace LlmLab.Monitoring.Cascade;

/// <summary>
/// Confidence = exp(mean log-probability of the answer's tokens), the geometric-mean token probability in (0, 1]: free
/// (the answer call reports it) and a common uncertainty signal for generated answers (e.g. Kadavath et al. 2022,
/// "Language Models (Mostly) Know What They Know"). Reads the per-token log-probs a client puts in the response's
/// <c>AdditionalProperties["logprobs"]</c> when its options ask for <c>logprobs</c> (our <c>LocalChatClient</c> does).
/// Stateless and thread-safe.
/// </summary>
public sealed class MeanLogProbScorer : IConfidenceScorer
{
    /// <summary>The option and response property that carry log-probabilities.</summary>
    public const string Property = "logprobs";

    public string Name => "logprob";

    public ChatOptions? Prepare(ChatOptions? options)
    {
        var o = options?.Clone() ?? new ChatOptions();
        (o.AdditionalProperties ??= [])[Property] = true;
        return o;
    }

    /// <exception cref="InputException">The client gave no log-probabilities (use self-consistency for such a client).</exception>
    public Task<ConfidenceScore> ScoreAsync(IChatClient small, IReadOnlyList<ChatMessage> messages, ChatOptions? options, ChatResponse answer,
        CancellationToken ct)
    {
        if (answer.AdditionalProperties?.TryGetValue(Property, out var value) != true || value is not double[] lps)
            throw new InputException("the small model's client reports no log-probabilities: use the self-consistency scorer for it");
        // An empty answer has no evidence either way: confidence 0, so it escalates.
        return Task.FromResult(new ConfidenceScore(lps.Length == 0 ? 0 : Math.Exp(lps.Average())));
    }
}
