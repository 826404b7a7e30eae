using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// One way of asking: a system and a user template, solved examples (few-shot), an output-format constraint and
/// optionally a request to reason step by step. Every test of a suite is asked with every variant, so variants compare
/// prompting techniques on the same questions. Immutable.
/// </summary>
/// <param name="Id">Its name in the matrix and the report.</param>
/// <param name="System">The system message (null, or rendering to blank: none).</param>
/// <param name="User">The user message (the question).</param>
/// <param name="Examples">Solved examples, sent as user/assistant turns before the question.</param>
/// <param name="Format">An output-format constraint appended to the user message (null: none).</param>
/// <param name="Reasoning">Append <see cref="ReasoningInstruction"/>; assertions then judge the reply's last line only
/// (the final answer), since the lines above it are the reasoning.</param>
public sealed record PromptVariant(string Id, PromptText? System, PromptText User, IReadOnlyList<FewShotExample> Examples,
    PromptText? Format, bool Reasoning)
{
    /// <summary>What <see cref="Reasoning"/> appends: zero-shot chain of thought (Kojima et al. 2022, "Let's think step
    /// by step"), with the answer asked alone on the last line so that it can be judged.</summary>
    public const string ReasoningInstruction = "Think step by step, then give the final answer alone on the last line.";

    /// <summary>Every template of the variant (for checking variables before anything runs).</summary>
    public IEnumerable<PromptText> Templates =>
        new[] { System, User, Format }.Concat(Examples.SelectMany(e => new[] { e.User, e.Assistant })).OfType<PromptText>();

    /// <summary>The conversation sent for <paramref name="test"/>: system, the examples' turns, then the question (with
    /// the format constraint and the reasoning request appended, each on its own line).</summary>
    /// <exception cref="InputException">A template uses a variable the test does not define.</exception>
    public IReadOnlyList<ChatMessage> Messages(PromptTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        var list = new List<ChatMessage>();
        // A system template that renders empty (a variable some tests leave blank) sends no system message at all.
        if (System?.Render(test.Vars, test.Id) is { Length: > 0 } system && !string.IsNullOrWhiteSpace(system))
            list.Add(new ChatMessage(ChatRole.System, system));
        foreach (var e in Examples)
        {
            list.Add(new ChatMessage(ChatRole.User, e.User.Render(test.Vars, test.Id)));
            list.Add(new ChatMessage(ChatRole.Assistant, e.Assistant.Render(test.Vars, test.Id)));
        }
        var user = new List<string> { User.Render(test.Vars, test.Id) };
        if (Format is not null) user.Add(Format.Render(test.Vars, test.Id));
        if (Reasoning) user.Add(ReasoningInstruction);
        list.Add(new ChatMessage(ChatRole.User, string.Join("\n", user)));
        return list;
    }

    /// <summary>The part of <paramref name="reply"/> that assertions judge: all of it, or its last non-empty line
    /// when the variant asked for reasoning.</summary>
    public string Answer(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (!Reasoning) return reply;
        var lines = reply.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : lines[^1];
    }
}
