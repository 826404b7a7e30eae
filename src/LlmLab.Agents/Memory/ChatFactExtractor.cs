using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Memory;

/// <summary>
/// Fact extraction by a model (mem0's approach): the model is asked for one line per fact, <c>key | value | sentence</c>;
/// lines that do not parse are dropped, and when none parses (a small model's usual reply) the rule-based extractor's
/// facts are used instead, so memory never gets worse than the default. Thread-safe if the client is.
/// </summary>
public sealed class ChatFactExtractor(IChatClient model, IFactExtractor? fallback = null) : IFactExtractor
{
    readonly IFactExtractor _fallback = fallback ?? new RuleFactExtractor();

    /// <summary>The instructions sent with every message.</summary>
    public const string Instructions = """
        Extract facts about the user from the user's message. Write one line per fact: key | value | sentence.
        key is a short lower-case slot such as name, lives_in, job, works_at, favorite/color, pet_name/dog, likes/hiking;
        a new value for the same key replaces the old one. sentence is a third-person sentence ("The user lives in Lyon.").
        Write NONE when the message states no fact about the user.
        """;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ExtractedFact>> ExtractAsync(string message, CancellationToken cancellationToken = default)
    {
        var response = await model.GetResponseAsync([new ChatMessage(ChatRole.User, message)],
            new ChatOptions { Instructions = Instructions, Temperature = 0, MaxOutputTokens = 200 },
                cancellationToken).ConfigureAwait(false);
        var facts = Parse(response.Text);
        if (facts.Count > 0 || response.Text.Trim().Equals("NONE", StringComparison.OrdinalIgnoreCase)) return facts;
        return await _fallback.ExtractAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The facts in a reply of the form <c>key | value | sentence</c>, one per line; other lines are ignored.</summary>
    public static IReadOnlyList<ExtractedFact> Parse(string reply)
    {
        var facts = new List<ExtractedFact>();
        foreach (string line in reply.Split('\n'))
        {
            string[] parts = line.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length != 3 || parts.Any(p => p.Length == 0) || parts[0].Contains(' ') || parts[1].Length > 60) continue;
            string key = parts[0].Trim('-', '*', ' ').ToLowerInvariant();
            if (key.Length == 0 || facts.Any(f => f.Key == key)) continue;
            facts.Add(new ExtractedFact(key, parts[1], parts[2], 0.7));
        }
        return facts;
    }
}
