using System.Collections.Concurrent;
using LlmLab.Inference;
using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// Lab 7.1's optional teacher: a model behind any <see cref="IChatClient"/> (an OpenAI-compatible endpoint the user
/// configures) rewrites the user turn of training conversations, so the fine-tuned model sees more phrasings than the
/// families' templates. Off by default; nothing in the lab or the tests needs it.
/// <para>A paraphrase can silently change the task ("buys" → "sells"), so each one must pass three filters before it
/// replaces the original, which is kept otherwise: (1) its wording is not, exactly or nearly, a test prompt's (the split by
/// template must still hold: a teacher could rephrase a training prompt into a held-out template); (2) it keeps every
/// slot value of the original — the words that vary between examples of the same template (numbers, names, dates, the
/// words to sort), found by comparing the examples rather than trusted to the teacher; (3) with
/// <see cref="ParaphraseOptions.Verify"/>, the teacher, asked the paraphrased question, gives the answer the program
/// computed, graded by the family's own checker. Test conversations are never paraphrased.</para>
/// </summary>
public static class TeacherParaphraser
{
    /// <summary>The instruction given to the teacher with each user turn.</summary>
    public const string Instruction =
        "Rewrite the user's request below in different words, as another person would ask it. Keep every number, name, " +
        "date, unit, quoted text and listed item exactly as written, and keep the meaning. Do not answer it. Reply with " +
        "the rewritten request only.";

    static readonly char[] Separators = [' ', '\t', '\n', '\r', ',', ';', '|', '(', ')', '"', '\'', '?', '!', '='];

    /// <summary>Paraphrases a seeded <see cref="ParaphraseOptions.Fraction"/> of <paramref name="data"/>'s training
    /// conversations with <paramref name="teacher"/>, keeping each original whose paraphrase fails a filter.</summary>
    /// <exception cref="InputException">Invalid options, or a training family not in <paramref name="families"/>.</exception>
    public static async Task<ParaphraseReport> ParaphraseAsync(SyntheticDataset data, IReadOnlyList<TaskFamily> families,
        IChatClient teacher, ParaphraseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var byName = families.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var x in data.Train)
            if (!byName.ContainsKey(x.Family)) throw new InputException($"training family '{x.Family}' is not among the families given");
        var slots = SlotFinder(data.Train);
        // Judged on the user's words alone: a rewrite that lands on a held-out phrasing leaks it whatever the values.
        var filter = new TestSetFilter(data.Test.Select(x => x.UserText));
        var pick = Runtime.Seeding.Stream(options.Seed, "teacher-paraphrase");
        var chosen = data.Train.Select((_, i) => (i, p: pick.NextDouble())).Where(t => t.p < options.Fraction).Select(t => t.i).ToArray();
        var outcomes = new ConcurrentDictionary<int, (ParaphraseOutcome Outcome, SyntheticExample? Example)>();
        await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
            async (i, ct) => outcomes[i] = await OneAsync(data.Train[i], byName[data.Train[i].Family], slots(data.Train[i]), filter,
                teacher, options, ct).ConfigureAwait(false)).ConfigureAwait(false);
        var train = data.Train.Select((x, i) => outcomes.TryGetValue(i, out var o) && o.Example is { } p ? p : x).ToArray();
        var counts = Enum.GetValues<ParaphraseOutcome>().ToDictionary(o => o, o => outcomes.Values.Count(v => v.Outcome == o));
        return new ParaphraseReport(data with { Train = train }, chosen.Length, counts);
    }

    /// <summary>The words of <paramref name="text"/> as the slot filter compares them: split at spaces and punctuation
    /// that never sits inside a value (a decimal point, a date's hyphens and a time's colon stay in).</summary>
    public static IReadOnlyList<string> Words(string text) =>
        text.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Select(w => w.TrimEnd('.', ':')).Where(w => w.Length > 0).ToArray();

    /// <summary>For each example, its slot values: the words of its user turn that are not in every training example of
    /// the same family and template (with a single example, all of its words).</summary>
    static Func<SyntheticExample, IReadOnlySet<string>> SlotFinder(IReadOnlyList<SyntheticExample> train)
    {
        var common = train.GroupBy(x => (x.Family, x.Template)).ToDictionary(g => g.Key, g => g.Count() < 2
            ? new HashSet<string>(StringComparer.Ordinal)
            : g.Select(x => Words(x.UserText).ToHashSet(StringComparer.Ordinal)).Aggregate((a, b) => { a.IntersectWith(b); return a; }));
        return x => Words(x.UserText).Where(w => !common[(x.Family, x.Template)].Contains(w)).ToHashSet(StringComparer.Ordinal);
    }

    static async Task<(ParaphraseOutcome, SyntheticExample?)> OneAsync(SyntheticExample x, TaskFamily family, IReadOnlySet<string> slots,
        TestSetFilter filter, IChatClient teacher, ParaphraseOptions options, CancellationToken ct)
    {
        var user = x.Messages.Last(m => m.Role == ChatRole.User);
        string? text;
        try
        {
            var reply = await teacher.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instruction), new ChatMessage(ChatRole.User, user.Text)],
                new ChatOptions { Temperature = options.Temperature, MaxOutputTokens = options.MaxOutputTokens }, ct).ConfigureAwait(false);
            text = Clean(reply.Text);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return (ParaphraseOutcome.TeacherFailed, null);
        }
        if (text is null || text.Length > 4 * user.Text.Length + 40 || text.Contains("<|", StringComparison.Ordinal))
            return (ParaphraseOutcome.Malformed, null);
        if (text == user.Text.Trim()) return (ParaphraseOutcome.Unchanged, null);
        var candidate = x with { Messages = x.Messages.Select(m => ReferenceEquals(m, user) ? new ChatMessage(ChatRole.User, text) : m).ToArray() };
        if (filter.Contaminated(candidate.UserText) is not null) return (ParaphraseOutcome.NearTest, null);
        var have = Words(text).ToHashSet(StringComparer.Ordinal);
        if (!slots.All(have.Contains)) return (ParaphraseOutcome.LostSlot, null);
        if (options.Verify)
        {
            try
            {
                var answer = await teacher.GetResponseAsync(candidate.Prompt.ToList(),
                    new ChatOptions { Temperature = 0, MaxOutputTokens = options.MaxOutputTokens }, ct).ConfigureAwait(false);
                if (!family.Check(x.ReferenceText, SyntheticExample.ReplyText(answer.Messages.LastOrDefault() ?? new ChatMessage())).Correct)
                    return (ParaphraseOutcome.WrongAnswer, null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return (ParaphraseOutcome.TeacherFailed, null);
            }
        }
        return (ParaphraseOutcome.Kept, candidate);
    }

    /// <summary>The teacher's reply without surrounding quotes or a "Rewritten request:"-style label; null if empty.</summary>
    static string? Clean(string reply)
    {
        string t = reply.Trim();
        int colon = t.IndexOf(':');
        if (colon > 0 && colon < 40 && !t[..colon].Any(char.IsDigit) && t[..colon].Contains("rewrit", StringComparison.OrdinalIgnoreCase))
            t = t[(colon + 1)..].Trim();
        if (t.Length >= 2 && (t[0], t[^1]) is ('"', '"') or ('“', '”')) t = t[1..^1].Trim();
        return t.Length == 0 ? null : t;
    }
}
