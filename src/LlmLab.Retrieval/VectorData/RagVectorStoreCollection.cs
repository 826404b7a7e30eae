using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LlmLab.Retrieval.Chunking;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LlmLab.Retrieval.VectorData;

/// <summary>
/// A <see cref="RagStore"/> (one SQLite file) as Microsoft.Extensions.VectorData's <see cref="VectorStoreCollection{TKey,
/// TRecord}"/> of <see cref="RagChunkRecord"/>s keyed by chunk id, so code written against the abstraction runs on this
/// store or on any other. Upsert replaces a record of the same id (one transaction per call); records without an embedding
/// are embedded from their text by the generator given, if any. Vector search runs our HNSW over the stored embeddings
/// (cosine similarity, the score returned), rebuilt lazily after writes — with a filter HNSW cannot fill, an exact scan of
/// the matching chunks; searching by a string embeds it first. Hybrid search (<see cref="IKeywordHybridSearchable{TRecord}"/>)
/// fuses BM25 over the keywords with that dense ranking by RRF, exactly as the pipeline's hybrid mode does.
/// </summary>
/// <remarks>
/// Filters (<see cref="VectorSearchOptions{TRecord}.Filter"/> and the filtered <c>GetAsync</c>) are any C# predicate over
/// the record, compiled and evaluated in process, not translated to SQL: fine at the sizes one SQLite file holds here,
/// linear in the collection for <c>GetAsync</c>. One file is one collection; <see cref="EnsureCollectionDeletedAsync"/>
/// drops its chunks (the model id stays recorded). Thread-safe: calls are serialised.
/// </remarks>
public sealed partial class RagVectorStoreCollection : VectorStoreCollection<string, RagChunkRecord>,
    IKeywordHybridSearchable<RagChunkRecord>
{
    readonly RagStore _store;
    readonly bool _ownsStore;
    readonly IEmbeddingGenerator<string, Embedding<float>>? _embedder;
    readonly Lock _lock = new();
    RagIndex? _index;

    /// <summary>A collection over <paramref name="store"/>; <paramref name="embedder"/> embeds string queries and records
    /// upserted without a vector (it must be the store's model).</summary>
    /// <exception cref="InputException">The store's vectors are not <see cref="RagChunkRecord.Dimensions"/> wide.</exception>
    public RagVectorStoreCollection(RagStore store, IEmbeddingGenerator<string, Embedding<float>>? embedder = null, bool ownsStore = false)
    {
        if (store.Dimensions != RagChunkRecord.Dimensions)
        {
            throw new InputException($"{store.Path}: vectors of {store.Dimensions} dimensions ({store.ModelId}), but " +
                $"{nameof(RagChunkRecord)}.{nameof(RagChunkRecord.Embedding)} declares {RagChunkRecord.Dimensions}; use a store of " +
                $"a {RagChunkRecord.Dimensions}-dimension model");
        }
        (_store, _ownsStore, _embedder) = (store, ownsStore, embedder);
    }

    /// <summary>Opens (or creates) the store at <paramref name="path"/> for <paramref name="modelId"/> and owns it.</summary>
    public static RagVectorStoreCollection Open(string path, string modelId,
        IEmbeddingGenerator<string, Embedding<float>>? embedder = null) =>
        new(RagStore.Open(path, modelId, RagChunkRecord.Dimensions), embedder, ownsStore: true);

    /// <inheritdoc />
    public override string Name => Path.GetFileNameWithoutExtension(_store.Path);

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock) return Task.FromResult(_store.HasChunks());
    }

    /// <inheritdoc />
    public override Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock) _store.EnsureChunks();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _store.DropChunks();
            _index = null;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<RagChunkRecord?> GetAsync(string key, RecordRetrievalOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            var c = _store.HasChunks() ? _store.Get(key) : null;
            return Task.FromResult(c is null ? null : ToRecord(c, options?.IncludeVectors ?? false));
        }
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<RagChunkRecord> GetAsync(Expression<Func<RagChunkRecord, bool>> filter, int top,
        FilteredRecordRetrievalOptions<RagChunkRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        await Task.CompletedTask.ConfigureAwait(false);
        var keep = filter.Compile();
        List<RagChunkRecord> all;
        lock (_lock) all = _store.HasChunks() ? _store.All().Select(c => ToRecord(c, true)).Where(keep).ToList() : [];
        IEnumerable<RagChunkRecord> ordered = all;
        foreach (var sort in options?.OrderBy?.Invoke(new()).Values ?? [])
        {
            var key = sort.PropertySelector.Compile();
            ordered = ordered is IOrderedEnumerable<RagChunkRecord> o
                ? (sort.Ascending ? o.ThenBy(key) : o.ThenByDescending(key))
                : (sort.Ascending ? ordered.OrderBy(key) : ordered.OrderByDescending(key));
        }
        foreach (var r in ordered.Skip(options?.Skip ?? 0).Take(top))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!(options?.IncludeVectors ?? false)) r.Embedding = ReadOnlyMemory<float>.Empty;
            yield return r;
        }
    }

    /// <inheritdoc />
    public override Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (_store.HasChunks() && _store.Get(key) is { } c)
            {
                using var tx = _store.Begin();
                _store.Delete(c.Key, tx);
                tx.Commit();
                _index = null;
            }
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task UpsertAsync(RagChunkRecord record, CancellationToken cancellationToken = default) =>
        UpsertAsync([record], cancellationToken);

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<RagChunkRecord> records, CancellationToken cancellationToken = default)
    {
        var list = records.ToList();
        foreach (var r in list)
        {
            if (string.IsNullOrEmpty(r.Id)) throw new ArgumentException("a record needs an Id (its key)", nameof(records));
            if (!r.Embedding.IsEmpty && r.Embedding.Length != RagChunkRecord.Dimensions)
                throw new ArgumentException($"record {r.Id}: embedding has {r.Embedding.Length} dimensions, the collection " +
                    $"{RagChunkRecord.Dimensions}", nameof(records));
        }
        var missing = list.Where(r => r.Embedding.IsEmpty).ToList();
        if (missing.Count > 0)
        {
            if (_embedder is null) throw new InvalidOperationException($"record {missing[0].Id} has no embedding and the collection " +
                "has no embedding generator to make one");
            var vectors = await _embedder.GenerateAsync(missing.Select(r => r.Text), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            for (int i = 0; i < missing.Count; i++) missing[i].Embedding = vectors[i].Vector.ToArray();
        }
        lock (_lock)
        {
            using var tx = _store.Begin();
            foreach (var r in list)
            {
                if (_store.Get(r.Id) is { } old) _store.Delete(old.Key, tx);
                var chunk = new Chunk(r.Id, r.SourceId, r.Title, r.Section, r.Position, r.Text, r.TokenCount);
                _store.Insert(chunk, VectorMath.Normalized(r.Embedding.Span), tx);
            }
            tx.Commit();
            _index = null;
        }
    }

    /// <summary>Nearest records to <paramref name="searchValue"/>: a vector (<see cref="ReadOnlyMemory{T}"/> of float,
    /// float[], <see cref="Embedding{T}"/>) or a string (embedded by the collection's generator). Score: cosine similarity.</summary>
    public override async IAsyncEnumerable<VectorSearchResult<RagChunkRecord>> SearchAsync<TInput>(TInput searchValue, int top,
        VectorSearchOptions<RagChunkRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var q = await QueryVector(searchValue, cancellationToken).ConfigureAwait(false);
        var filter = options?.Filter?.Compile();
        int skip = options?.Skip ?? 0;
        List<VectorSearchResult<RagChunkRecord>> results;
        lock (_lock)
        {
            if (!_store.HasChunks()) yield break;
            var index = _index ??= RagIndex.Load(_store);
            results = Results(index, HybridRetriever.Nearest(index, q, top + skip, Keep(index, filter)), skip, options?.ScoreThreshold,
                options?.IncludeVectors ?? false);
        }
        foreach (var r in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return r;
        }
    }

    /// <summary>The query as a unit vector of the collection's width: a float vector as given, a string embedded.</summary>
    async Task<float[]> QueryVector<TInput>(TInput searchValue, CancellationToken cancellationToken)
    {
        float[] q = searchValue switch
        {
            ReadOnlyMemory<float> m => m.ToArray(),
            float[] a => a,
            Embedding<float> e => e.Vector.ToArray(),
            string s when _embedder is not null =>
                (await _embedder.GenerateAsync([s], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector.ToArray(),
            string => throw new InvalidOperationException("searching by text needs an embedding generator: give one to the collection"),
            _ => throw new NotSupportedException($"search input of type {typeof(TInput).Name}: give a float vector or a string"),
        };
        if (q.Length != RagChunkRecord.Dimensions)
            throw new ArgumentException($"query vector has {q.Length} dimensions, the collection {RagChunkRecord.Dimensions}");
        return VectorMath.Normalized(q);
    }

    /// <summary>A record filter as a predicate on chunk keys (null: no filter).</summary>
    static Func<long, bool>? Keep(RagIndex index, Func<RagChunkRecord, bool>? filter) =>
        filter is null ? null : key => filter(ToRecord(index.Chunks[key], false));

    /// <summary>Ranked hits after <paramref name="skip"/>, at or above the threshold, as search results.</summary>
    static List<VectorSearchResult<RagChunkRecord>> Results(RagIndex index, List<(long Key, double Score)> hits, int skip,
        double? threshold, bool includeVectors) =>
        hits.Skip(skip).Where(h => threshold is not { } t || h.Score >= t)
            .Select(h => new VectorSearchResult<RagChunkRecord>(ToRecord(index.Chunks[h.Key], includeVectors), h.Score))
            .ToList();

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(VectorStoreCollectionMetadata))
            return new VectorStoreCollectionMetadata { VectorStoreSystemName = "llmlab.sqlite", CollectionName = Name };
        return serviceType.IsInstanceOfType(_store) ? _store : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsStore) _store.Dispose();
        base.Dispose(disposing);
    }

    static RagChunkRecord ToRecord(StoredChunk c, bool includeVectors) => new()
    {
        Id = c.Chunk.Id, SourceId = c.Chunk.SourceId, Title = c.Chunk.Title, Section = c.Chunk.Section, Position = c.Chunk.Position,
        Text = c.Chunk.Text, TokenCount = c.Chunk.TokenCount, Embedding = includeVectors ? c.Embedding : ReadOnlyMemory<float>.Empty,
    };
}
