namespace LlmLab.Agents.Agent;

/// <summary>One checkable agent task (lab 8.2's BFCL-style set). Immutable.</summary>
/// <param name="Id">Short id.</param>
/// <param name="Category">simple (only the right tool offered), multiple (every tool offered), parallel (one turn,
/// several calls), parallel_multiple (several tools in one turn), multi_step (a call needs an earlier result),
/// no_tool (answer without tools).</param>
/// <param name="Request">The user's message.</param>
/// <param name="Calls">The calls a right run makes (any order); empty for no_tool.</param>
/// <param name="Answer">Strings the final answer must contain (case-insensitive), computed outside the tools.</param>
/// <param name="Offered">Tool names offered (null: all).</param>
/// <param name="Script">What the scripted reference policy does.</param>
public sealed record AgentTask(string Id, string Category, string Request, IReadOnlyList<ExpectedCall> Calls, IReadOnlyList<string> Answer,
    IReadOnlySet<string>? Offered, AgentScript Script);
