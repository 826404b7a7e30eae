namespace LlmLab.Retrieval.Search;

/// <summary>Which retriever answers a query.</summary>
public enum RetrievalMode
{
    /// <summary>BM25 over chunk texts.</summary>
    Bm25,

    /// <summary>Cosine similarity of MiniLM embeddings (HNSW).</summary>
    Dense,

    /// <summary>BM25 and dense fused by reciprocal-rank fusion (k = 60).</summary>
    Hybrid,

    /// <summary>Hybrid, then maximal-marginal-relevance reranking for diversity.</summary>
    HybridRerank,
}
