namespace LlmLab.Agents.Memory;

/// <summary>
/// A fact about the user found in one message. Facts with the same <paramref name="Key"/> are one slot: a newer value
/// supersedes the older (which is kept as history). Immutable.
/// </summary>
/// <param name="Key">The slot, lower-case: "name", "lives_in", "job", "favorite/color", "pet_name/dog", "likes/hiking".</param>
/// <param name="Value">The slot's value as said ("Lyon"); "no" for a retracted like or allergy.</param>
/// <param name="Text">A self-contained sentence about the user ("The user lives in Lyon."), what is embedded and shown.</param>
/// <param name="Importance">0 to 1.</param>
public sealed record ExtractedFact(string Key, string Value, string Text, double Importance);
