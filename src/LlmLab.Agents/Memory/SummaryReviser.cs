using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmLab.Agents.Memory;

/// <summary>
/// Keeps session summaries true after a fact changes. A summary is linked to the facts it mentions by provenance: it
/// covers the messages they were taken from (<see cref="MemoryStore.SupersededInSummaries"/>). When one of those facts
/// is superseded, each sentence of the summary that states the old value — the fact extractor reads that (slot, value)
/// in it, or, when the extractor reads it in no sentence (a summary in words it has no pattern for), the sentence holds
/// the value itself (not for yes/no slots, whose value is a flag) — is re-rendered: the old
/// value becomes the current one and the sentence is marked <c>(updated on yyyy-MM-dd)</c>; a sentence that states the
/// old fact without its value ("I love pizza" for likes/pizza = yes) is marked with the current fact,
/// <c>(updated on yyyy-MM-dd: The user no longer likes pizza)</c>. The
/// summary is then re-embedded and rewritten in place. The old value stays in memory only as the superseded fact's
/// history, so neither retrieval nor an answerer can pick it up from a summary written before the change. Idempotent:
/// a revised summary no longer states the old value. Not thread-safe (uses one store).
/// </summary>
/// <param name="store">The user's store.</param>
/// <param name="extractor">The extractor facts were taken with (it reads the summary's sentences the same way).</param>
/// <param name="embed">Embeds a revised summary (unit length, as the store's vectors).</param>
public sealed partial class SummaryReviser(MemoryStore store, IFactExtractor extractor,
    Func<string, CancellationToken, Task<float[]>> embed)
{
    /// <summary>Revises the user's summaries that still state a superseded value.</summary>
    /// <returns>The ids of the summaries rewritten.</returns>
    public async Task<IReadOnlyList<long>> ReviseAsync(string user, CancellationToken cancellationToken = default)
    {
        var revised = new List<long>();
        var links = store.SupersededInSummaries(user);
        if (links.Count == 0) return revised;
        // Every earlier value of a linked slot, not only the one the summary's message stated: an earlier revision may
        // have written an intermediate value (Paris → Lyon) that a later update (→ Marseille) supersedes in turn.
        var history = store.Facts(user, history: true).Where(f => f.SupersededBy is not null).ToList();
        foreach (var group in links.GroupBy(l => l.Summary.Id))
        {
            string text = group.First().Summary.Text;
            string before = text;
            foreach (var current in group.Select(l => l.Current).DistinctBy(f => f.Id))
                foreach (var old in history.Where(f => f.Key == current.Key))
                    text = await ReviseAsync(text, old, current, cancellationToken).ConfigureAwait(false);
            if (text == before) continue;
            store.ReviseSummary(user, group.Key, text, await embed(text, cancellationToken).ConfigureAwait(false));
            revised.Add(group.Key);
        }
        return revised;
    }

    /// <summary><paramref name="summary"/> with each sentence that states <paramref name="old"/> brought up to
    /// <paramref name="current"/> (see the class).</summary>
    public async Task<string> ReviseAsync(string summary, MemoryRecord old, MemoryRecord current,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(current);
        string date = current.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        bool flag = old.Value is "yes" or "no";
        var value = new Regex(@"(?<![\p{L}\p{N}])" + Regex.Escape(old.Value ?? "") + @"(?![\p{L}\p{N}])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var sentences = RuleFactExtractor.Sentences(summary).ToList();
        // 1. The sentences the extractor reads the old fact in; 2. when it reads the slot in no sentence at all (a summary
        // in words it has no pattern for, e.g. a model's), those that hold the old value.
        var stating = new List<int>();
        bool slotRead = false;
        for (int i = 0; i < sentences.Count; i++)
        {
            var facts = await extractor.ExtractAsync(sentences[i], cancellationToken).ConfigureAwait(false);
            slotRead |= facts.Any(f => f.Key == old.Key);
            if (sentences[i].Contains(Marker(date), StringComparison.Ordinal)) continue;   // already revised for this update
            if (facts.Any(f => f.Key == old.Key && string.Equals(f.Value, old.Value, StringComparison.OrdinalIgnoreCase))) stating.Add(i);
        }
        if (!slotRead && !flag && !string.IsNullOrEmpty(old.Value))
            stating.AddRange(Enumerable.Range(0, sentences.Count)
                .Where(i => value.IsMatch(sentences[i]) && !sentences[i].Contains(Marker(date), StringComparison.Ordinal)));
        foreach (int i in stating)
        {
            string s = Marks().Replace(sentences[i], "");                                // an earlier update's mark goes
            // The mark goes inside the sentence, so that a later split into sentences keeps it with what it marks.
            sentences[i] = !flag && value.IsMatch(s)
                ? $"{Open(value.Replace(s, current.Value ?? ""))} {Marker(date)}){End(s)}"
                : $"{Open(s)} {Marker(date)}: {Open(current.Text)}){End(s)}";
        }
        bool changed = stating.Count > 0;
        return changed ? string.Join(" ", sentences) : summary;
    }

    static string Marker(string date) => $"(updated on {date}";

    [GeneratedRegex(@"\s*\(updated on \d{4}-\d{2}-\d{2}[^)]*\)")]
    private static partial Regex Marks();

    /// <summary>A sentence without its final punctuation.</summary>
    static string Open(string s) => s.TrimEnd('.', '!', '?', ' ');

    static string End(string s) => s.Length > 0 && ".!?".Contains(s[^1]) ? s[^1..] : ".";
}
