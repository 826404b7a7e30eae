using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmLab.Agents.Memory;

/// <summary>
/// The default summariser: extractive and deterministic. It keeps the user's own sentences, those that state a fact
/// (per <see cref="RuleFactExtractor"/>) first and then the longest, in their original order, up to the word budget, and
/// dates the summary ("On 2024-03-02 the user said: …"). Assistant turns are left out: in a memory they repeat the user
/// or are small talk. Thread-safe (stateless).
/// </summary>
public sealed partial class RuleSummarizer : ISessionSummarizer
{
    readonly RuleFactExtractor _facts = new();

    /// <inheritdoc/>
    public Task<string> SummarizeAsync(IReadOnlyList<MemoryRecord> messages, int maxWords, CancellationToken cancellationToken = default) =>
        Task.FromResult(Summarize(messages, maxWords));

    /// <summary>The summary, synchronously.</summary>
    public string Summarize(IReadOnlyList<MemoryRecord> messages, int maxWords)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 5);
        if (messages.Count == 0) return "";
        // A previous summary given back (MemGPT's recursive summary) loses its dated head: the new head covers it.
        var sentences = messages.Where(m => m.Role is null or "user")
            .SelectMany(m => RuleFactExtractor.Sentences(Head().Replace(m.Text, "")))
            .Select((s, i) => (Text: s, Index: i, Facts: s.EndsWith('?') ? 0 : _facts.Extract(s).Count, Words: Words(s)))
            .ToList();
        var chosen = new List<(string Text, int Index)>();
        string head = HeadOf(messages);
        int budget = maxWords - Words(head);
        foreach (var s in sentences.OrderByDescending(s => s.Facts > 0).ThenByDescending(s => s.Words).ThenBy(s => s.Index))
        {
            if (s.Words > budget) continue;
            chosen.Add((s.Text, s.Index));
            budget -= s.Words;
        }
        if (chosen.Count == 0) return head + " (nothing the user said fits the summary).";
        return head + " " + string.Join(" ", chosen.OrderBy(c => c.Index).Select(c => Terminated(c.Text)));
    }

    static string HeadOf(IReadOnlyList<MemoryRecord> messages)
    {
        string first = messages[0].CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string last = messages[^1].CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return first == last ? $"On {first} the user said:" : $"From {first} to {last} the user said:";
    }

    [GeneratedRegex(@"^(?:On \S+|From \S+ to \S+) the user said:\s*")]
    private static partial Regex Head();

    static string Terminated(string s) => s.Length > 0 && ".!?".Contains(s[^1]) ? s : s + ".";

    static int Words(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}
