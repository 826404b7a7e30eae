using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// One preference: a prompt and two replies to it, the preferred (<paramref name="Chosen"/>) and the dispreferred
/// (<paramref name="Rejected"/>) — the common <c>{"prompt","chosen","rejected"}</c> form of TRL's preference datasets.
/// Replies are text as a checker reads it (<see cref="SyntheticExample.ReplyText"/>: a tool call is
/// <c>&lt;|tool_call|&gt;{…}</c>). Immutable.
/// </summary>
/// <param name="Prompt">The conversation so far (system and user turns).</param>
/// <param name="Chosen">The preferred reply.</param>
/// <param name="Rejected">The dispreferred reply (never equal to <paramref name="Chosen"/>).</param>
/// <param name="Family">The task family whose checker judged the pair, or null for a pair brought by a user.</param>
/// <param name="Template">The family's surface template, or −1.</param>
/// <param name="Source">How the rejected reply was made ("corrupted", "other-answer", "truncated", "sampled", …), or null.</param>
public sealed record PreferencePair(IReadOnlyList<ChatMessage> Prompt, string Chosen, string Rejected, string? Family = null, int Template = -1,
    string? Source = null)
{
    /// <summary>The user's text joined (for reports).</summary>
    public string UserText => string.Join("\n", Prompt.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
}
