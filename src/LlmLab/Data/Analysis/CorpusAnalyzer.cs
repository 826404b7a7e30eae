using LlmLab.Text;

namespace LlmLab.Data.Analysis;

/// <summary>
/// Runs a <see cref="CorpusStatistics"/> pass over a stream of documents on several threads, holding only one block
/// of documents in memory at a time: each block is cut into contiguous shards, one per worker, each shard gets its own
/// statistics, and the shards are merged in corpus order. Because merging is exact, the result is the same whatever
/// the number of workers or the block size (the tests check it against a single-threaded pass).
/// </summary>
public static class CorpusAnalyzer
{
    /// <summary>Documents read before the workers start on them: large enough that the merge is a small cost.</summary>
    public const int DefaultBlock = 512;

    /// <summary>Analyses <paramref name="documents"/> (streamed, read once).</summary>
    /// <param name="documents">The documents, in corpus order.</param>
    /// <param name="options">What to measure.</param>
    /// <param name="workers">Threads (≥ 1); 1 analyses on the calling thread.</param>
    /// <param name="block">Documents per block (≥ 1).</param>
    /// <param name="progress">Called after each block with the documents done so far.</param>
    /// <param name="cancellationToken">Stops between blocks.</param>
    public static CorpusStatistics Analyze(IEnumerable<Document> documents, AnalysisOptions options, int workers = 1,
        int block = DefaultBlock, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        var total = new CorpusStatistics(options);
        var buffer = new List<Document>(block);
        foreach (var doc in documents)
        {
            buffer.Add(doc);
            if (buffer.Count < block) continue;
            total.Merge(Block(buffer, options, workers, cancellationToken));
            buffer.Clear();
            progress?.Invoke(total.Documents);
        }
        if (buffer.Count > 0)
        {
            total.Merge(Block(buffer, options, workers, cancellationToken));
            progress?.Invoke(total.Documents);
        }
        return total;
    }

    /// <summary>One block: contiguous shards analysed in parallel, merged in order.</summary>
    static CorpusStatistics Block(List<Document> docs, AnalysisOptions options, int workers, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int shards = Math.Min(workers, docs.Count);
        var parts = new CorpusStatistics[shards];
        Parallel.For(0, shards, new ParallelOptions { MaxDegreeOfParallelism = shards, CancellationToken = cancellationToken }, k =>
        {
            int from = (int)((long)docs.Count * k / shards), to = (int)((long)docs.Count * (k + 1) / shards);
            var part = new CorpusStatistics(options);
            for (int i = from; i < to; i++) part.Add(docs[i]);
            parts[k] = part;
        });
        for (int k = 1; k < shards; k++) parts[0].Merge(parts[k]);
        return parts[0];
    }
}
