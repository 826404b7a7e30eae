using System.Globalization;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Memory;

/// <summary>
/// Summaries written by a model (MemGPT's recursive summary): the span is rendered as a dated transcript and the model
/// is asked for a short third-person summary; an empty reply falls back to the extractive <see cref="RuleSummarizer"/>.
/// The reply is cut at the word budget. Thread-safe if the client is.
/// </summary>
public sealed class ChatSummarizer(IChatClient model, ISessionSummarizer? fallback = null) : ISessionSummarizer
{
    readonly ISessionSummarizer _fallback = fallback ?? new RuleSummarizer();

    /// <inheritdoc/>
    public async Task<string> SummarizeAsync(IReadOnlyList<MemoryRecord> messages, int maxWords,
        CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0) return "";
        string transcript = string.Join("\n", messages.Select(m =>
            $"[{m.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}] {m.Role ?? "user"}: {m.Text}"));
        var response = await model.GetResponseAsync([new ChatMessage(ChatRole.User, transcript)], new ChatOptions
        {
            Instructions = $"Summarise what the user said in this conversation in at most {maxWords} words, in the third person, " +
                "keeping names, places, dates and preferences.",
            Temperature = 0,
            MaxOutputTokens = maxWords * 2,
        }, cancellationToken).ConfigureAwait(false);
        string[] words = response.Text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return await _fallback.SummarizeAsync(messages, maxWords, cancellationToken).ConfigureAwait(false);
        return string.Join(' ', words.Take(maxWords));
    }
}
