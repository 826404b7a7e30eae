namespace LlmLab.Alignment.Refusal;

/// <summary>
/// One category of disallowed requests in the refusal policy (<see cref="RefusalPolicy"/>): what it covers, examples,
/// and the safe alternative a refusal offers. Immutable.
/// </summary>
/// <param name="Id">Stable snake_case id used in data files and gate files ("cybercrime").</param>
/// <param name="Title">A short human title.</param>
/// <param name="Definition">What is disallowed, and what is not (the boundary matters as much as the core).</param>
/// <param name="Examples">Requests the category covers (illustrations; none is in any generator template).</param>
/// <param name="Allowed">Look-alike requests the category does NOT cover (they must be answered).</param>
/// <param name="SafeAlternative">One sentence offered after the refusal, or null when no safe alternative exists.</param>
public sealed record RefusalCategory(string Id, string Title, string Definition, IReadOnlyList<string> Examples,
    IReadOnlyList<string> Allowed, string? SafeAlternative);
