using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using LlmLab.Runtime;
using LlmLab.Text;

namespace LlmLab.Data.Dedup;

/// <summary>What the signatures stage read and wrote.</summary>
public sealed record SignatureStageResult(long Documents, long Bytes, long Chars, double Seconds);

/// <summary>
/// Stage 1: one streaming pass over the corpus. For each document: normalise, hash the normalised text (exact
/// dedup), shingle it, and compute its MinHash signature. Writes signatures.bin and shingles.bin to the work folder.
/// </summary>
/// <remarks>
/// Documents are read in batches by one thread and processed by <see cref="DedupOptions.Threads"/> workers while the
/// next batch is read; batches are written in corpus order, so the files are byte-identical for any thread count
/// (except their random run ids). Memory: two batches of documents.
/// </remarks>
public static class SignatureStage
{
    /// <summary>Documents per batch: large enough to spread over the workers, small enough to hold twice.</summary>
    public const int BatchSize = 512;

    public static SignatureStageResult Run(IDocumentSource source, string workDir, DedupOptions options,
        IProgress<DedupProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var settings = StageSettings.For(DedupStage.Signatures, options);
        var hasher = options.ExactOnly ? null : new MinHasher(options.Permutations, options.Seed);
        int k = hasher?.Permutations ?? 0;
        var run = Guid.NewGuid();
        long docs = 0, bytes = 0, chars = 0;
        string sigPath = Path.Combine(workDir, SignatureFile.SignaturesName), shPath = Path.Combine(workDir, SignatureFile.ShinglesName);
        // shingles.bin is renamed into place first, signatures.bin last: a present signatures.bin means both are complete.
        AtomicFile.Write(sigPath, sigStream => AtomicFile.Write(shPath, shStream =>
        {
            // AtomicFile owns (flushes and closes) the file streams: the writers flush into them and leave them open.
            using var sig = new BinaryWriter(new BufferedStream(sigStream, 1 << 20), StageFile.Utf8, leaveOpen: true);
            using var sh = new BinaryWriter(new BufferedStream(shStream, 1 << 20), StageFile.Utf8, leaveOpen: true);
            StageFile.WriteHeader(sig, SignatureFile.Magic, settings, run, Guid.Empty);
            StageFile.WriteHeader(sh, SignatureFile.ShinglesMagic, settings, run, Guid.Empty);
            long sigCountAt = sig.BaseStream.Position, shCountAt = sh.BaseStream.Position;
            sig.Write(0L);
            sig.Write(k);
            sh.Write(0L);
            foreach (var batch in Batches(source, options.Threads, cancellationToken))
            {
                var results = new (SignatureRecord Record, ulong[] Shingles)[batch.Count];
                Parallel.For(0, batch.Count,
                    new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken },
                    i => results[i] = Process(batch[i], options, hasher));
                foreach (var (record, shingles) in results)
                {
                    SignatureFile.WriteRecord(sig, record);
                    SignatureFile.WriteShingles(sh, shingles);
                    docs++;
                    bytes += record.Bytes;
                    chars += record.Chars;
                }
                progress?.Report(new DedupProgress(DedupStage.Signatures, docs, 0));
            }
            if (docs == 0) throw new InputException($"corpus '{source.Name}' has no documents; nothing to deduplicate");
            foreach (var (w, at) in new[] { (sig, sigCountAt), (sh, shCountAt) })
            {
                w.Flush();
                w.BaseStream.Position = at;
                w.Write(docs);
                w.Flush();
            }
        }));
        return new SignatureStageResult(docs, bytes, chars, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Everything stage 1 computes for one document (public so a caller can dedup documents it holds).</summary>
    public static (SignatureRecord Record, ulong[] Shingles) Process(Document doc, DedupOptions options, MinHasher? hasher)
    {
        string normalized = TextNormalizer.Normalize(doc.Text, options.Normalization);
        var exact = DedupHash.Of128(normalized);
        int bytes = Encoding.UTF8.GetByteCount(doc.Text);
        if (hasher is null) return (new SignatureRecord(doc.Id, exact, doc.Text.Length, bytes, 0, []), []);
        var shingles = Shingler.Shingles(normalized, options.ShingleKind, options.ShingleSize);
        return (new SignatureRecord(doc.Id, exact, doc.Text.Length, bytes, shingles.Length, hasher.Signature(shingles)), shingles);
    }

    /// <summary>The corpus in batches; with more than one thread, the next batch is read while this one is processed.</summary>
    static IEnumerable<List<Document>> Batches(IDocumentSource source, int threads, CancellationToken cancellationToken)
    {
        if (threads == 1)
        {
            foreach (var b in source.Read(cancellationToken).Chunk(BatchSize)) yield return [.. b];
            yield break;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<List<Document>>(boundedCapacity: 2);
        var reader = Task.Run(() =>
        {
            try
            {
                foreach (var b in source.Read(stop.Token).Chunk(BatchSize)) queue.Add([.. b], stop.Token);
            }
            finally { queue.CompleteAdding(); }
        }, stop.Token);
        try
        {
            foreach (var b in queue.GetConsumingEnumerable(cancellationToken)) yield return b;
            reader.GetAwaiter().GetResult(); // a reader error (a bad JSON line) surfaces here
        }
        finally
        {
            stop.Cancel(); // the consumer stopped early (an error, or cancellation): release the reader
            try { reader.Wait(); } catch (AggregateException) { } catch (OperationCanceledException) { }
        }
    }
}
