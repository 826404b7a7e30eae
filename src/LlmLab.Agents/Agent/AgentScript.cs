namespace LlmLab.Agents.Agent;

/// <summary>
/// What a <see cref="ScriptedPolicy"/> does for one request: turn by turn, the calls it asks for (computed from the
/// results of the earlier turns, so a dependent step uses real tool output), then the answer it gives (also from the
/// results: a broken tool gives a wrong answer, which the task's checker catches). Immutable.
/// </summary>
/// <param name="Request">The user message it answers (exact text).</param>
/// <param name="Steps">Per model turn, the calls (several = parallel calls) from the results so far.</param>
/// <param name="Answer">The final text from all results (in call order).</param>
public sealed record AgentScript(
    string Request,
    IReadOnlyList<Func<IReadOnlyList<string>, IReadOnlyList<ScriptedCall>>> Steps,
    Func<IReadOnlyList<string>, string> Answer);
