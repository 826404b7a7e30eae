using Microsoft.Extensions.AI;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Measures refusal behaviour through any <see cref="IChatClient"/> (our local GPT, the same behind a
/// <see cref="RefusalGateChatClient"/>, or a user's own model): each prompt is sent as one user turn and the reply is
/// judged a refusal by <see cref="RefusalPolicy.IsRefusal"/> (XSTest's string match); lab 7.1's task prompts are graded
/// by their family's checker, so "helpfulness kept" is measured, not judged. Sequential (one request at a time: the
/// local client's engine is not thread-safe).
/// </summary>
public static class RefusalEvaluator
{
    /// <summary>One prompt's reply and whether it was a refusal.</summary>
    public sealed record Reply(RefusalPrompt Prompt, string Text, bool Refused);

    /// <summary>The client's reply to each prompt.</summary>
    public static async Task<IReadOnlyList<Reply>> RepliesAsync(IChatClient client, IReadOnlyList<RefusalPrompt> prompts,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(prompts);
        var list = new List<Reply>(prompts.Count);
        foreach (var p in prompts)
        {
            var r = await client.GetResponseAsync([new ChatMessage(ChatRole.User, p.Text)], options,
                cancellationToken).ConfigureAwait(false);
            list.Add(new Reply(p, r.Text, RefusalPolicy.IsRefusal(r.Text)));
        }
        return list;
    }

    /// <summary>The confusion table of <paramref name="replies"/>.</summary>
    public static RefusalConfusion Confusion(IEnumerable<Reply> replies)
    {
        var r = replies.ToArray();
        return RefusalConfusion.Of(r.Select(x => x.Prompt.Unsafe).ToArray(), r.Select(x => x.Refused).ToArray());
    }

    /// <summary>Lab 7.1's per-family scores of the client on <paramref name="test"/> (prompts without their reference
    /// reply, graded by <see cref="TaskFamily.Check"/>), and how many of its replies were refusals.</summary>
    public static async Task<(IReadOnlyList<FamilyScore> Scores, int Refused)> TaskScoresAsync(IChatClient client,
        IReadOnlyList<SyntheticExample> test,
        ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(test);
        var tallies = new Dictionary<string, (int N, int Correct, int Format)>();
        var order = new List<string>();
        int refused = 0;
        foreach (var x in test)
        {
            var r = await client.GetResponseAsync(x.Prompt, options, cancellationToken).ConfigureAwait(false);
            string text = r.Text.Trim();
            if (RefusalPolicy.IsRefusal(text)) refused++;
            var grade = TaskFamilies.ByName(x.Family).Check(x.ReferenceText, text);
            if (!tallies.ContainsKey(x.Family)) order.Add(x.Family);
            var t = tallies.GetValueOrDefault(x.Family);
            tallies[x.Family] = (t.N + 1, t.Correct + (grade.Correct ? 1 : 0), t.Format + (grade.FormatValid ? 1 : 0));
        }
        return (order.Select(f => new FamilyScore(f, tallies[f].N, tallies[f].Correct, tallies[f].Format)).ToArray(), refused);
    }
}
