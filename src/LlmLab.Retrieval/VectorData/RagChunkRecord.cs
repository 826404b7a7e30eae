using Microsoft.Extensions.VectorData;

namespace LlmLab.Retrieval.VectorData;

/// <summary>
/// A chunk as a Microsoft.Extensions.VectorData record: the shape <see cref="RagVectorStoreCollection"/> stores, with the
/// attributes any other VectorData store reads, so the same record type can be pointed at another store. Mutable, as
/// VectorData records are.
/// </summary>
public sealed class RagChunkRecord
{
    /// <summary>Vector width of <see cref="Embedding"/>: all-MiniLM-L6-v2's 384 (the default encoder).</summary>
    public const int Dimensions = 384;

    /// <summary>The chunk id (a content hash for chunks made by the chunker; any unique string for records upserted by hand).</summary>
    [VectorStoreKey]
    public string Id { get; set; } = "";

    /// <summary>The document the chunk came from (the unit that citations and relevance judgements name).</summary>
    [VectorStoreData(IsIndexed = true)]
    public string SourceId { get; set; } = "";

    /// <summary>The document's title.</summary>
    [VectorStoreData]
    public string Title { get; set; } = "";

    /// <summary>The heading the chunk sits under ("" when none).</summary>
    [VectorStoreData]
    public string Section { get; set; } = "";

    /// <summary>0-based order of the chunk within its document.</summary>
    [VectorStoreData(IsIndexed = true)]
    public int Position { get; set; }

    /// <summary>The chunk's text.</summary>
    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = "";

    /// <summary>Tokens in <see cref="Text"/> by the chunker's tokenizer (0 when unknown).</summary>
    [VectorStoreData]
    public int TokenCount { get; set; }

    /// <summary>The embedding (stored unit length; compared by cosine similarity). Empty on upsert: the collection embeds
    /// <see cref="Text"/> with its generator. Empty on read unless vectors were asked for.</summary>
    [VectorStoreVector(Dimensions, DistanceFunction = DistanceFunction.CosineSimilarity, IndexKind = IndexKind.Hnsw)]
    public ReadOnlyMemory<float> Embedding { get; set; }
}
