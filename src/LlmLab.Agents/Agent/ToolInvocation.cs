using Microsoft.Extensions.AI;

namespace LlmLab.Agents.Agent;

/// <summary>
/// Runs one tool and turns whatever happens into the text the model reads: its output, or <c>error: …</c> for bad
/// arguments (<see cref="InputException"/>, a JSON conversion), a tool's own failure or an MCP error result — never an
/// exception for the caller. The agent loop's hook (<see cref="AgentRunner"/>) and the training data of the agent-tools
/// family (<see cref="Tools.AgentToolsData"/>) both use it, so a model is trained on exactly the results it will be shown.
/// Thread-safe when the tool is.
/// </summary>
public static class ToolInvocation
{
    /// <summary>Runs <paramref name="tool"/> on <paramref name="arguments"/>: ("ok" | "error", text).</summary>
    /// <param name="tool">The tool.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="offThread">Start the tool on the thread pool (our tools are synchronous: parallel calls started inline
    /// would run one after the other).</param>
    /// <param name="cancellationToken">Cancels the call (an exception, not a result).</param>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled.</exception>
    public static async Task<(string Status, string Text)> RunAsync(AIFunction tool, AIFunctionArguments arguments, bool offThread,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        try
        {
            var invocation = offThread
                ? Task.Run(async () => await tool.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false), cancellationToken)
                : tool.InvokeAsync(arguments, cancellationToken).AsTask();
            var (t, isError) = ToolResultText.From(await invocation.ConfigureAwait(false));
            return isError ? ("error", "error: " + t) : ("ok", t);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Bad arguments (InputException, a JSON conversion), a tool's own failure: the model reads it and may retry.
            return ("error", $"error: {(e is InputException ? "" : e.GetType().Name + ": ")}{e.Message}");
        }
    }
}
