using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>What one agent run did. Immutable.</summary>
/// <param name="Answer">The model's final text ("" when the run stopped before answering).</param>
/// <param name="Stop">Why it ended.</param>
/// <param name="Calls">Every tool call, in the order the agent handled them.</param>
/// <param name="ModelTurns">How many times the model was asked.</param>
/// <param name="Milliseconds">Wall time of the run.</param>
/// <param name="Messages">The whole conversation (input, calls, results, answer).</param>
public sealed record AgentRun(string Answer, AgentStopReason Stop, IReadOnlyList<ToolCallRecord> Calls, int ModelTurns, double Milliseconds,
    IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>Calls the injection guard refused.</summary>
    public IEnumerable<ToolCallRecord> Blocked => Calls.Where(c => c.Status == "blocked");
}
