namespace LlmLab.Agents.Memory;

/// <summary>A memory with the parts of its retrieval score. Immutable.</summary>
/// <param name="Record">The memory.</param>
/// <param name="Score">Weighted sum of the three parts.</param>
/// <param name="Relevance">Cosine similarity to the query.</param>
/// <param name="Recency">decay^(hours since the memory), 1 for now.</param>
public sealed record ScoredMemory(MemoryRecord Record, double Score, double Relevance, double Recency);
