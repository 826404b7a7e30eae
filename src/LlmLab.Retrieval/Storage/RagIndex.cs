using LlmLab.Retrieval.Lexical;
using LlmLab.Retrieval.Vectors;

namespace LlmLab.Retrieval.Storage;

/// <summary>
/// The searchable view of a <see cref="RagStore"/>: chunks by key, a BM25 index rebuilt from their texts and the
/// HNSW graph (loaded from the store's snapshot when it matches, otherwise rebuilt and saved back). Read-only
/// after construction; concurrent searches are safe.
/// </summary>
public sealed class RagIndex
{
    RagIndex(Dictionary<long, StoredChunk> chunks, Bm25Index bm25, HnswIndex vectors, bool graphLoaded)
    {
        Chunks = chunks;
        Bm25 = bm25;
        Vectors = vectors;
        GraphLoaded = graphLoaded;
    }

    /// <summary>Stored chunks by key.</summary>
    public IReadOnlyDictionary<long, StoredChunk> Chunks { get; }

    /// <summary>BM25 over the chunk texts.</summary>
    public Bm25Index Bm25 { get; }

    /// <summary>HNSW over the chunk embeddings.</summary>
    public HnswIndex Vectors { get; }

    /// <summary>Whether the HNSW graph came from the store's snapshot (false: rebuilt).</summary>
    public bool GraphLoaded { get; }

    /// <summary>Analyzer used for BM25 terms (documents and queries alike).</summary>
    public TextAnalyzer Analyzer { get; } = TextAnalyzer.Standard;

    /// <summary>Loads every chunk of <paramref name="store"/> and builds or loads its indexes.</summary>
    public static RagIndex Load(RagStore store, HnswOptions? hnsw = null, Bm25Options? bm25 = null)
    {
        var chunks = store.All().ToDictionary(c => c.Key);
        var lexical = new Bm25Index(bm25);
        foreach (var c in chunks.Values) lexical.Add(c.Key, TextAnalyzer.Standard.Analyze(c.Chunk.Text));
        long maxKey = chunks.Count == 0 ? 0 : chunks.Keys.Max();
        var blob = store.LoadGraph(chunks.Count, maxKey);
        HnswIndex? graph = null;
        if (blob is not null)
        {
            try { graph = HnswSerializer.Load(new MemoryStream(blob)); }
            catch (InvalidDataException) { graph = null; } // an old or damaged snapshot: rebuild below
            if (graph is not null && (graph.Count != chunks.Count || chunks.Keys.Any(k => !graph.NodeOfKey.ContainsKey(k)))) graph = null;
        }
        bool loaded = graph is not null;
        if (graph is null)
        {
            graph = new HnswIndex(store.Dimensions, hnsw);
            foreach (var c in chunks.Values) graph.Add(c.Key, c.Embedding);
            using var ms = new MemoryStream();
            HnswSerializer.Save(graph, ms);
            store.SaveGraph(ms.ToArray(), chunks.Count, maxKey);
        }
        return new RagIndex(chunks, lexical, graph, loaded);
    }
}
