using System.Text.RegularExpressions;

namespace LlmLab.Agents.Memory;

/// <summary>
/// The default fact extractor: deterministic English first-person patterns ("my name is …", "I moved to …", "my
/// favourite colour is …", "I have a dog named …", "I no longer like …"), so that memory works with no model or a poor
/// one. It misses what it has no pattern for; those statements stay findable as episodic messages. Each sentence gives
/// at most one fact per slot; questions give none. Thread-safe (stateless).
/// </summary>
public sealed partial class RuleFactExtractor : IFactExtractor
{
    // A run of capitalised words ("New York", "Saint-Étienne", "Rio de Janeiro"): where people, places and firms are named.
    const string Proper = @"\p{Lu}[\p{L}'’-]*(?:[ -](?:(?:de|da|del|la|le|upon|on|of)[ -])?\p{Lu}[\p{L}'’-]*)*";
    // A free phrase ends at punctuation or a word that starts a new clause.
    const string Phrase = @"[^,.;:!?]+?(?=$|[,.;:!?]| (?:and|but|because|since|now|anymore|any more|these days|so|which|when|lately"
        + @"|a lot|very much)\b)";
    const string Article = @"(?:(?:an?|the|my) )?";

    sealed record Pattern(Regex Regex, Func<Match, ExtractedFact?> Make);

    static readonly Pattern[] Patterns =
    [
        P(@"\b(?i:my name is|call me|my name's) (?<v>" + Proper + ")", m => F("name", V(m), $"The user's name is {V(m)}.", 1.0)),
        P(@"\b(?i:I(?:'m| am| have| 've)? (?:now |just |recently |finally )*(?:live|living|moved|relocated|settled)(?: back)?"
            + @" (?:in|to)) (?<v>" + Proper + ")", m => F("lives_in", V(m), $"The user lives in {V(m)}.", 0.9)),
        P(@"\b(?i:I (?:now |currently )?work (?:at|for)|I(?:'ve| have)? (?:just )?(?:started|joined|got a (?:new )?job at)) (?<v>" + Proper
            + ")", m => F("works_at", V(m), $"The user works at {V(m)}.", 0.8)),
        P(@"\b(?i:I(?:'m| am)? (?:now )?(?:work(?:ing)? as|employed as)|my job is|I(?:'m| am) (?:now )?(?:working )?as) " + Article
            + "(?<v>" + Phrase + ")", m => F("job", V(m), $"The user works as {An(V(m))}.", 0.8)),
        P(@"\b(?i:my (?:favou?rite|fave)) (?<k>[\p{L} ]+?) (?i:is now|has always been|is|are) (?<v>" + Phrase + ")",
            m => F("favorite/" + K(m), V(m), $"The user's favourite {K(m)} is {V(m)}.", 0.6)),
        P(@"\b(?i:I (?:have|own|adopted|got|rescued)(?: just)?) (?i:an?|a new|another) "
            + @"(?<k>dog|cat|puppy|kitten|parrot|rabbit|hamster|horse|bird|turtle|tortoise|snake|goldfish) (?i:named|called) (?<v>"
            + Proper + ")",
            m => F("pet_name/" + K(m), V(m), $"The user's {K(m)} is named {V(m)}.", 0.8)),
        P(@"\b(?i:my) (?<k>[\p{Ll}]+(?: [\p{Ll}]+)?)(?:'s name is| (?i:is|was) (?:named|called)) (?<v>" + Proper + ")",
            m => F("name_of/" + K(m), V(m), $"The user's {K(m)} is named {V(m)}.", 0.8)),
        P(@"\b(?i:I(?:'m| am) allergic to) (?<v>" + Phrase + ")", m => F("allergy/" + V(m).ToLowerInvariant(), "yes",
            $"The user is allergic to {V(m)}.", 0.9)),
        P(@"\b(?i:my birthday is(?: on)?) (?<v>" + Phrase + ")", m => F("birthday", V(m), $"The user's birthday is {V(m)}.", 0.8)),
        P(@"\b(?i:I(?:'m| am)) (?<v>\d{1,3}) (?i:years old)", m => F("age", V(m), $"The user is {V(m)} years old.", 0.6)),
        P(@"\b(?i:I(?:'m| am)? (?:now )?(?:learning|studying)) (?<v>" + Phrase + ")", m => F("learning/" + V(m).ToLowerInvariant(), "yes",
            $"The user is learning {V(m)}.", 0.6)),
        P(@"\b(?i:I(?: really| also| still)? (?:don't|do not|no longer|stopped|quit|gave up)"
            + @"(?: liking| like| enjoying| enjoy| loving| love)?) "
            + "(?<v>" + Phrase + ")", m => F("likes/" + V(m).ToLowerInvariant(), "no", $"The user no longer likes {V(m)}.", 0.6)),
        P(@"\b(?i:I(?: really| also| still)? (?:like|love|enjoy|adore)) (?<v>" + Phrase + ")",
            m => F("likes/" + V(m).ToLowerInvariant(), "yes", $"The user likes {V(m)}.", 0.5)),
        P(@"\b(?i:my) (?<k>[\p{Ll}]+(?: [\p{Ll}]+)?) (?i:is|are) (?<v>" + Phrase + ")",
            m => K(m) is "name" or "day" or "week" or "life" ? null : F(K(m), V(m), $"The user's {K(m)} is {V(m)}.", 0.5)),
    ];

    /// <inheritdoc/>
    public Task<IReadOnlyList<ExtractedFact>> ExtractAsync(string message, CancellationToken cancellationToken = default) =>
        Task.FromResult(Extract(message));

    /// <summary>The facts in <paramref name="message"/>, synchronously.</summary>
    public IReadOnlyList<ExtractedFact> Extract(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var facts = new List<ExtractedFact>();
        foreach (string sentence in Sentences(message))
        {
            if (sentence.EndsWith('?')) continue;
            var taken = new List<(int Start, int End)>();
            foreach (var p in Patterns)
            {
                foreach (Match m in p.Regex.Matches(sentence))
                {
                    // A span already explained by an earlier (more specific) pattern is not read again by a generic one.
                    if (taken.Any(t => m.Index < t.End && t.Start < m.Index + m.Length)) continue;
                    if (p.Make(m) is not { } fact || fact.Value.Length == 0 || fact.Value.Length > 60) continue;
                    if (facts.Any(f => f.Key == fact.Key)) continue;
                    taken.Add((m.Index, m.Index + m.Length));
                    facts.Add(fact);
                }
            }
        }
        return facts;
    }

    /// <summary>Sentences of a message: split after . ! ? followed by a space (good enough for chat turns).</summary>
    internal static IEnumerable<string> Sentences(string text) =>
        SentenceEnd().Split(text.ReplaceLineEndings(" ")).Select(s => s.Trim()).Where(s => s.Length > 0);

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    static Pattern P(string pattern, Func<Match, ExtractedFact?> make) =>
        new(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled), make);

    static ExtractedFact F(string key, string value, string text, double importance) => new(key.Trim().ToLowerInvariant(), value, text,
        importance);

    static string V(Match m) => m.Groups["v"].Value.Trim().TrimEnd('\'', '’');

    static string K(Match m) => m.Groups["k"].Value.Trim().ToLowerInvariant();

    static string An(string v) => v.Length > 0 && "aeiouAEIOU".Contains(v[0]) ? "an " + v : "a " + v;
}
