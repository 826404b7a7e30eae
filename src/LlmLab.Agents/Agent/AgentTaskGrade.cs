namespace LlmLab.Agents.Agent;

/// <summary>How one run did on one <see cref="AgentTask"/>. Immutable.</summary>
/// <param name="Task">The task.</param>
/// <param name="Run">The run.</param>
/// <param name="ToolsRight">The tools called are exactly the expected ones (as a multiset; none for no_tool).</param>
/// <param name="ArgsRight">Every expected call is matched by a distinct call with accepted arguments (and result check).</param>
/// <param name="AnswerRight">The final answer contains every expected string.</param>
public sealed record AgentTaskGrade(AgentTask Task, AgentRun Run, bool ToolsRight, bool ArgsRight, bool AnswerRight)
{
    /// <summary>Right tools, right arguments and right answer.</summary>
    public bool AllRight => ToolsRight && ArgsRight && AnswerRight;
}
