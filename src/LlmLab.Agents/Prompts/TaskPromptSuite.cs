using System.Text.RegularExpressions;
using LlmLab.Alignment;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// Prompt-evaluation suites over lab 7.1's task families: one test per held-out conversation, whose variables are the
/// question (<c>question</c>), its system message (<c>system</c>, blank when none), the reference answer (<c>answer</c>,
/// and <c>answer_regex</c>: it escaped for a regex), a solved example of the same family from the training split
/// (<c>shot_question</c>, <c>shot_answer</c>) and the family's output-format instruction (<c>format</c>); and the four
/// classic variants (zero-shot, few-shot, format constraint, step by step) that use them. Thread-safe (stateless).
/// </summary>
public static class TaskPromptSuite
{
    /// <summary>The output-format instruction of each family (what a "format" variant appends).</summary>
    public static IReadOnlyDictionary<string, string> Formats { get; } = new Dictionary<string, string>
    {
        ["arithmetic"] = "Reply with the number only.", ["units"] = "Reply with the number and its unit only.",
        ["dates"] = "Reply with the answer only.", ["strings"] = "Reply with the answer only.",
        ["extraction"] = "Reply with a JSON object only.", ["tool_call"] = "Reply with the tool call only.",
    };

    /// <summary>Zero-shot, one-shot, format-constrained and step-by-step variants over the tests' variables.</summary>
    public static IReadOnlyList<PromptVariant> Variants { get; } =
    [
        new("zero-shot", T("{{system}}", "system"), T("{{question}}", "user"), [], null, false),
        new("few-shot", T("{{system}}", "system"), T("{{question}}", "user"), [new FewShotExample(T("{{shot_question}}", "example user"),
            T("{{shot_answer}}", "example assistant"))], null, false),
        new("format", T("{{system}}", "system"), T("{{question}}", "user"), [], T("{{format}}", "format"), false),
        new("step-by-step", T("{{system}}", "system"), T("{{question}}", "user"), [], null, true),
    ];

    /// <summary>One test per example of <paramref name="test"/>, each with the variables above and the assertions
    /// <paramref name="assertions"/> makes for it (the family's task checker, for instance).</summary>
    /// <param name="test">The held-out conversations (their last message is the reference reply).</param>
    /// <param name="shots">Training conversations: the first of each family is its solved example.</param>
    /// <param name="assertions">The assertions of a test, from its example and family.</param>
    /// <exception cref="InputException">A family without a training example or without a format instruction.</exception>
    public static IReadOnlyList<PromptTest> Tests(IReadOnlyList<SyntheticExample> test, IReadOnlyList<SyntheticExample> shots,
        Func<SyntheticExample, TaskFamily, IReadOnlyList<PromptAssertion>> assertions)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(shots);
        ArgumentNullException.ThrowIfNull(assertions);
        var counters = new Dictionary<string, int>();
        return test.Select(x =>
        {
            var shot = shots.FirstOrDefault(s => s.Family == x.Family)
                ?? throw new InputException($"no training example of family '{x.Family}' for the few-shot variant");
            int n = counters[x.Family] = counters.GetValueOrDefault(x.Family) + 1;
            var vars = new Dictionary<string, string>
            {
                ["question"] = x.UserText, ["system"] = System(x), ["answer"] = x.ReferenceText,
                    ["answer_regex"] = Regex.Escape(x.ReferenceText),
                ["shot_question"] = shot.UserText, ["shot_answer"] = shot.ReferenceText,
                ["format"] = Formats.TryGetValue(x.Family,
                    out var f) ? f : throw new InputException($"no format instruction for family '{x.Family}'"),
            };
            return new PromptTest($"{x.Family}-{n}", vars, assertions(x, TaskFamilies.ByName(x.Family)), $"{x.Family} test {n}");
        }).ToArray();
    }

    /// <summary>The task checker's assertion for an example: the family grades the answer against the reference.</summary>
    public static PromptAssertion TaskAssertion(TaskFamily family) =>
        new(AssertionKind.Task, T("{{answer}}", "task reference"), false, null, family, null, null, null, 0, 0, "task checker");

    static string System(SyntheticExample x) =>
        x.Messages.FirstOrDefault(m => m.Role == Microsoft.Extensions.AI.ChatRole.System)?.Text ?? "";

    static PromptText T(string text, string where) => new(text, $"task suite {where}");
}
