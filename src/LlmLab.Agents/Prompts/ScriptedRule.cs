using System.Text.RegularExpressions;

namespace LlmLab.Agents.Prompts;

/// <summary>One rule of a scripted provider: when the last user message matches <paramref name="When"/> (null: always),
/// reply <paramref name="Reply"/> after <paramref name="DelayMs"/> milliseconds. Immutable.</summary>
public sealed record ScriptedRule(Regex? When, string Reply, int DelayMs = 0);
