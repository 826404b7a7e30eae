using Microsoft.Extensions.AI;

namespace LlmLab.Alignment;

/// <summary>
/// A family of tasks whose answers a program computes and checks (lab 7.1's synthetic data): several surface templates
/// (phrasings) of the same underlying task, a seeded generator with a difficulty knob, and a checker that parses the
/// answer out of a reply and compares it with the reference's parsed answer — never by equality of whole strings, so
/// "42", "42." and "The answer is 42" are all right. The train/test split is by template (<see cref="SyntheticDataset"/>):
/// the test set asks in phrasings the model never trained on. Stateless and thread-safe.
/// </summary>
public abstract class TaskFamily
{
    /// <summary>The family's name in data files and reports ("arithmetic", "units", …).</summary>
    public abstract string Name { get; }

    /// <summary>How many surface templates the family has (indices 0..n−1).</summary>
    public abstract int TemplateCount { get; }

    /// <summary>A conversation from template <paramref name="template"/>, drawing every value from <paramref name="rng"/>.
    /// <paramref name="difficulty"/> (1–3) widens the values' ranges.</summary>
    public SyntheticExample Generate(Random rng, int template, int difficulty)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if ((uint)template >= (uint)TemplateCount)
            throw new ArgumentOutOfRangeException(nameof(template), $"{Name} has templates 0..{TemplateCount - 1}");
        if (difficulty is < 1 or > 3) throw new InputException($"difficulty must be 1, 2 or 3 (got {difficulty})");
        var (system, user, turns) = MakeConversation(rng, template, difficulty);
        if (turns.Count == 0 || turns[^1].Role != ChatRole.Assistant)
            throw new InvalidOperationException($"{Name}: a generated conversation must end with the assistant's reply");
        var messages = new List<ChatMessage>();
        if (system is not null) messages.Add(new ChatMessage(ChatRole.System, system));
        messages.Add(new ChatMessage(ChatRole.User, user));
        messages.AddRange(turns);
        return new SyntheticExample(Name, template, messages);
    }

    /// <summary>Grades <paramref name="reply"/> (the model's text) against <paramref name="reference"/> (the reference
    /// reply's text, <see cref="SyntheticExample.ReferenceText"/>).</summary>
    public abstract TaskGrade Check(string reference, string reply);

    /// <summary>(optional system message, user message, the assistant's reference reply).</summary>
    protected abstract (string? System, string User, ChatMessage Reply) Make(Random rng, int template, int difficulty);

    /// <summary>(optional system message, user message, the turns after it). The default is <see cref="Make"/>'s one
    /// reply; a family whose conversations go on (a tool call, its result, then the answer: AgentToolsFamily) returns
    /// every turn, the last one being the assistant's final reply that <see cref="Check"/> grades.</summary>
    protected virtual (string? System, string User, IReadOnlyList<ChatMessage> Turns) MakeConversation(Random rng, int template,
        int difficulty)
    {
        var (system, user, reply) = Make(rng, template, difficulty);
        return (system, user, [reply]);
    }

    /// <summary>An assistant message with <paramref name="text"/>.</summary>
    protected static ChatMessage Answer(string text) => new(ChatRole.Assistant, text);

    /// <summary>A random element of <paramref name="items"/>.</summary>
    protected static T Pick<T>(Random rng, IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
