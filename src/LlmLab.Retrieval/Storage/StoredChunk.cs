using LlmLab.Retrieval.Chunking;

namespace LlmLab.Retrieval.Storage;

/// <summary>A chunk as stored: its row key (the key in the BM25 and vector indexes), the chunk and its embedding.</summary>
public sealed record StoredChunk(long Key, Chunk Chunk, float[] Embedding);
