using Microsoft.Extensions.AI;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// A training-free refusal gate: a <see cref="RefusalClassifier"/> and a threshold. It screens the last user message
/// of a conversation (the request being answered; earlier turns were screened when they were sent) and, at or above
/// the threshold, the request gets <see cref="RefusalText"/> instead of the model's reply. The model itself is not
/// changed, so its helpfulness on what passes is exactly what it was. Immutable; thread-safe when the classifier is.
/// Put it in front of any <see cref="IChatClient"/> with <see cref="RefusalGateChatClient"/>; save it with
/// <see cref="RefusalGateFile"/>.
/// </summary>
public sealed class RefusalGate
{
    /// <param name="classifier">The classifier.</param>
    /// <param name="threshold">Refuse when p(unsafe) ≥ this; in (0, 1].</param>
    /// <param name="refusalText">The reply to a refused request (default: the policy's generic refusal).</param>
    /// <exception cref="InputException">A threshold outside (0, 1] or an empty refusal.</exception>
    public RefusalGate(RefusalClassifier classifier, double threshold, string? refusalText = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (!(threshold > 0 && threshold <= 1)) throw new InputException($"the gate's threshold must be in (0, 1] (got {threshold})");
        refusalText ??= RefusalPolicy.Refusal(null);
        if (string.IsNullOrWhiteSpace(refusalText)) throw new InputException("the gate's refusal text must not be empty");
        (Classifier, Threshold, RefusalText) = (classifier, threshold, refusalText);
    }

    public RefusalClassifier Classifier { get; }
    public double Threshold { get; }
    public string RefusalText { get; }

    /// <summary>The text screened in <paramref name="messages"/>: the last user message's, or null when there is none.</summary>
    public static string? ScreenedText(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text is { Length: > 0 } t ? t : null;
    }

    /// <summary>Screens a conversation.</summary>
    public async Task<RefusalDecision> ScreenAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        if (ScreenedText(messages) is not { } text) return new RefusalDecision(false, 0);
        double score = (await Classifier.ScoreAsync([text], cancellationToken).ConfigureAwait(false))[0];
        return new RefusalDecision(score >= Threshold, score);
    }

    /// <summary>The same classifier at another threshold.</summary>
    public RefusalGate WithThreshold(double threshold) => new(Classifier, threshold, RefusalText);
}
