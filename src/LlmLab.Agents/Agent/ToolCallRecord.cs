using System.Text.Json;

namespace LlmLab.Agents.Agent;

/// <summary>One tool call of a run as the agent handled it. Immutable.</summary>
/// <param name="Iteration">The model turn that asked for it (0-based).</param>
/// <param name="CallId">The model's id for the call.</param>
/// <param name="Name">The tool.</param>
/// <param name="Arguments">The arguments as the model gave them (a JSON object).</param>
/// <param name="Result">What the model was given back: the tool's text, or the error or refusal.</param>
/// <param name="Status">"ok", "error" (the tool refused its input or failed), "blocked" (the injection guard) or
/// "limit" (past the call limit, not run).</param>
/// <param name="Milliseconds">Time spent in the tool.</param>
public sealed record ToolCallRecord(int Iteration, string CallId, string Name, JsonElement Arguments, string Result, string Status,
    double Milliseconds);
