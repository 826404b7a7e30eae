namespace LlmLab.Agents.Agent;

/// <summary>A call a <see cref="ScriptedPolicy"/> makes: a tool name and its arguments. Immutable.</summary>
public sealed record ScriptedCall(string Name, IReadOnlyDictionary<string, object?> Arguments);
