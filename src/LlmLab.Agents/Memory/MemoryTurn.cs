namespace LlmLab.Agents.Memory;

/// <summary>What one turn of a <see cref="MemoryChat"/> did. Immutable.</summary>
/// <param name="Reply">The assistant's reply (stored).</param>
/// <param name="Recalled">The memories put into the prompt, best first.</param>
/// <param name="PromptTokens">Tokens of the prompt sent (by the chat's counter).</param>
/// <param name="Evictions">Times the context was over budget and its oldest turns were summarised.</param>
public sealed record MemoryTurn(string Reply, IReadOnlyList<ScoredMemory> Recalled, int PromptTokens, int Evictions);
