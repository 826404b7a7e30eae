using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Documents;
using Microsoft.Extensions.AI;

namespace LlmLab.Retrieval.Storage;

/// <summary>
/// Incremental indexing: each document is chunked; chunks whose content hash is already stored for that source are
/// kept (not embedded again), new ones are embedded and inserted, vanished ones deleted. Documents are processed in
/// batches of <see cref="BatchSize"/>, one transaction each. Not thread-safe.
/// </summary>
public sealed class RagIndexer(RagStore store, Chunker chunker, IEmbeddingGenerator<string, Embedding<float>> embedder)
{
    /// <summary>Documents per transaction (and per embedding call).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Indexes the documents; <paramref name="progress"/> receives the running document count.</summary>
    public IndexingStats Index(IEnumerable<SourceDocument> documents, int skipped = 0, Action<int>? progress = null)
    {
        int docs = 0, added = 0, kept = 0, removed = 0;
        foreach (var batch in documents.Chunk(BatchSize))
        {
            var plans = batch.Select(d => (Chunks: chunker.Split(d), Existing: store.ChunkIdsOf(d.SourceId))).ToList();
            var fresh = plans.SelectMany(p => p.Chunks.Where(c => !p.Existing.ContainsKey(c.Id))).ToList();
            var vectors = fresh.Count == 0 ? [] : embedder.GenerateAsync(fresh.Select(c => c.Text)).GetAwaiter().GetResult();
            var vectorOf = fresh.Select((c, i) => (c.Id, V: vectors[i].Vector.ToArray())).ToDictionary(x => x.Id, x => x.V);
            using var tx = store.Begin();
            foreach (var (chunks, existing) in plans)
            {
                var now = chunks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var (id, key) in existing)
                {
                    if (!now.Contains(id)) { store.Delete(key, tx); removed++; }
                }
                foreach (var c in chunks)
                {
                    if (existing.TryGetValue(c.Id, out long key)) { store.Reposition(key, c.Position, tx); kept++; }
                    else { store.Insert(c, vectorOf[c.Id], tx); added++; }
                }
            }
            tx.Commit();
            docs += batch.Length;
            progress?.Invoke(docs);
        }
        return new IndexingStats(docs, added, kept, removed, skipped);
    }
}
