using LlmLab.Retrieval.Storage;

namespace LlmLab.Retrieval.Search;

/// <summary>A search hit.</summary>
/// <param name="Chunk">The stored chunk.</param>
/// <param name="Score">The mode's own score (BM25, cosine, or fused RRF): comparable within one result list only.</param>
/// <param name="Similarity">Cosine similarity between query and chunk embeddings, for every mode: the calibrated
/// signal the refusal threshold uses.</param>
public sealed record RetrievedChunk(StoredChunk Chunk, double Score, double Similarity);
