using LlmLab.Retrieval.Search;

namespace LlmLab.Retrieval.Answering;

/// <summary>An answer grounded in numbered chunks.</summary>
/// <param name="Text">The answer with <c>[n]</c> citations, or the refusal sentence.</param>
/// <param name="Chunks">The chunks given to the answerer; <c>[n]</c> refers to <c>Chunks[n − 1]</c>.</param>
/// <param name="Citations">The check of the answer's citations against those chunks.</param>
/// <param name="Refused">True when retrieval was too weak to answer ("not in the documents").</param>
/// <param name="Latency">Wall time per stage (embed, retrieve, rerank, generate) for this question.</param>
public sealed record RagAnswer(string Text, IReadOnlyList<RetrievedChunk> Chunks, CitationCheck Citations, bool Refused,
    StageLatency Latency);
