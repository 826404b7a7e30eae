using System.Text.Json;
using LlmLab.Inference.Json;

namespace LlmLab.Server;

/// <summary>A chat request's validated <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> (OpenAI API
/// reference, "Create chat completion"), for a model fine-tuned with lab 7.1's tool-call format. Immutable.</summary>
/// <param name="Tools">The offered functions: name and parameters schema (null when the function takes none).</param>
/// <param name="Choice">none, auto, required, or function (one named function, <see cref="Forced"/>).</param>
/// <param name="Forced">The function <c>tool_choice</c> names; null unless <see cref="Choice"/> is function.</param>
/// <param name="Parallel">More than one call per reply allowed (<c>parallel_tool_calls</c>, default true).</param>
/// <param name="Constraint">For required and a named function: the schema of the call object
/// <c>{"name":…,"arguments":{…}}</c> the constrained decoder produces after the forced <c>&lt;|tool_call|&gt;</c> marker;
/// null otherwise.</param>
public sealed record ToolRequest(IReadOnlyList<(string Name, JsonElement? Parameters)> Tools, string Choice, string? Forced, bool Parallel,
    JsonSchemaSubset? Constraint)
{
    /// <summary>The reply is read for calls (every choice but none).</summary>
    public bool ReadsCalls => Choice != "none";

    /// <summary>The reply must be a call and is decoded under <see cref="Constraint"/>.</summary>
    public bool IsForced => Constraint is not null;
}
