using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using LlmLab.Retrieval.Search;
using LlmLab.Retrieval.Storage;
using Microsoft.Extensions.VectorData;

namespace LlmLab.Retrieval.VectorData;

/// <summary>Hybrid (keyword + vector) search of <see cref="RagVectorStoreCollection"/>: VectorData's
/// <see cref="IKeywordHybridSearchable{TRecord}"/> over the pipeline's own BM25 + dense fusion.</summary>
public sealed partial class RagVectorStoreCollection
{
    /// <summary>
    /// Records ranked by BM25 over <paramref name="keywords"/> and cosine to <paramref name="searchValue"/> (as in
    /// <see cref="SearchAsync{TInput}"/>: a float vector, or a string the collection's generator embeds), fused by reciprocal-rank
    /// fusion (k = 60) — the pipeline's hybrid mode (<see cref="HybridRetriever.Fused"/>), so both return the same chunks.
    /// Each keyword is analyzed as chunk texts are (lower-cased, English stop words dropped) and all their terms are
    /// searched together, so a whole question may be passed as one keyword. Each ranking is
    /// <see cref="HybridRetriever.FusionDepth"/>(top + skip) long and holds only records the filter admits. The score is the
    /// fused RRF score (at most 2/61, first in both rankings), which <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/>
    /// is compared with.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="HybridSearchOptions{TRecord}.VectorProperty"/> or
    /// <see cref="HybridSearchOptions{TRecord}.AdditionalProperty"/> names another property than the record's one vector
    /// (<see cref="RagChunkRecord.Embedding"/>) or one full-text property (<see cref="RagChunkRecord.Text"/>).</exception>
    public async IAsyncEnumerable<VectorSearchResult<RagChunkRecord>> HybridSearchAsync<TInput>(TInput searchValue,
        ICollection<string> keywords, int top, HybridSearchOptions<RagChunkRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default) where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        CheckProperty(options?.VectorProperty, nameof(RagChunkRecord.Embedding), "VectorProperty");
        CheckProperty(options?.AdditionalProperty, nameof(RagChunkRecord.Text), "AdditionalProperty");
        var q = await QueryVector(searchValue, cancellationToken).ConfigureAwait(false);
        var filter = options?.Filter?.Compile();
        int skip = options?.Skip ?? 0;
        List<VectorSearchResult<RagChunkRecord>> results;
        lock (_lock)
        {
            if (!_store.HasChunks()) yield break;
            var index = _index ??= RagIndex.Load(_store);
            var terms = keywords.Where(k => k is not null).SelectMany(k => index.Analyzer.Analyze(k)).ToList();
            var fused = HybridRetriever.Fused(index, terms, q, HybridRetriever.FusionDepth(top + skip), Keep(index, filter));
            results = Results(index, fused.Take(top + skip).ToList(), skip, options?.ScoreThreshold, options?.IncludeVectors ?? false);
        }
        foreach (var r in results)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return r;
        }
    }

    /// <summary>A property selector must name <paramref name="expected"/>, the record's only property of its kind.</summary>
    static void CheckProperty(LambdaExpression? selector, string expected, string option)
    {
        if (selector is null) return;
        var body = selector.Body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } u
            ? u.Operand : selector.Body;
        if ((body as MemberExpression)?.Member.Name != expected)
            throw new ArgumentException($"HybridSearchOptions.{option} {selector}: this collection searches only " +
                $"{nameof(RagChunkRecord)}.{expected}");
    }
}
