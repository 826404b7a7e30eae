using LlmLab.Agents.Agent;
using LlmLab.Alignment;
using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Tools;

/// <summary>
/// The agent-tools task family with its tools attached: <see cref="AgentToolsFamily"/> (in the core library, which
/// cannot reference this one) writes whole exchanges — call, the tool's real output, the answer built from it — when it
/// is handed a way to run a call; this is that way, over lab 8.2's real tools, run as the agent loop runs them
/// (<see cref="ToolInvocation"/>: a tool error is the <c>error: …</c> text the model would read). Give the tools a fixed
/// clock (<see cref="AgentTaskSet.Now"/>) so current_time's outputs, and so the data, are reproducible.
/// </summary>
public static class AgentToolsData
{
    /// <summary>The family whose calls run on <paramref name="tools"/> (a call to a tool not among them ends its
    /// conversation at the call, as a family without tools does).</summary>
    public static AgentToolsFamily Family(IReadOnlyList<AIFunction> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var byName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return new AgentToolsFamily(call => Run(byName, call));
    }

    /// <summary>The text <paramref name="call"/>'s tool returns (or its error text), or null when no such tool is given.</summary>
    static string? Run(IReadOnlyDictionary<string, AIFunction> tools, FunctionCallContent call) =>
        tools.TryGetValue(call.Name, out var tool)
            ? ToolInvocation.RunAsync(tool, new AIFunctionArguments(call.Arguments), offThread: false, CancellationToken.None)
                .GetAwaiter().GetResult().Text
            : null;
}
