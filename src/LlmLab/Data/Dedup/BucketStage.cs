using System.Diagnostics;
using LlmLab.Runtime;

namespace LlmLab.Data.Dedup;

/// <summary>What the buckets stage found.</summary>
/// <param name="Documents">Documents in the signatures file.</param>
/// <param name="ExactDuplicates">Documents whose normalised text equals an earlier document's (linked to its first occurrence).</param>
/// <param name="NearDupInputs">Documents that went through LSH: first occurrences with at least one shingle.</param>
/// <param name="CandidatePairs">Distinct pairs that share at least one band.</param>
/// <param name="CappedBuckets">Buckets larger than <see cref="DedupOptions.MaxBucketPairs"/>, paired as a chain.</param>
/// <param name="LargestBucket">Documents in the largest bucket of any band.</param>
/// <param name="Banding">The b × r used (null with exact-only dedup).</param>
/// <param name="Seconds">Wall-clock time of the stage.</param>
public sealed record BucketStageResult(long Documents, long ExactDuplicates, long NearDupInputs, long CandidatePairs,
    long CappedBuckets, int LargestBucket, LshParameters? Banding, double Seconds);

/// <summary>
/// Stage 2: reads signatures.bin; links every exact duplicate to the first document with the same normalised-text
/// hash; then, over the first occurrences only, cuts each signature into b bands of r values, hashes each band, and
/// pairs the documents that share a band hash in any band (LSH). Writes buckets.bin.
/// </summary>
/// <remarks>
/// Memory: one 64-bit band hash per document and band, plus the exact-hash table — never texts. Bands are bucketed in
/// parallel (each band sorted on its own); the pairs are sorted and deduplicated at the end, so the output does not
/// depend on the thread count. A bucket of m ≤ <see cref="DedupOptions.MaxBucketPairs"/> documents gives its
/// m(m−1)/2 pairs; a larger one (a template shared by thousands) gives the m − 1 pairs of neighbours in document order,
/// which still joins them into one cluster when verified.
/// </remarks>
public static class BucketStage
{
    public static BucketStageResult Run(string workDir, DedupOptions options, IProgress<DedupProgress>? progress = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var settings = StageSettings.For(DedupStage.Buckets, options);
        string sigPath = Path.Combine(workDir, SignatureFile.SignaturesName);
        using var reader = new SignatureFile.Reader(sigPath);
        StageSettings.Check(sigPath, reader.Header.Settings, settings);
        if (reader.Count > int.MaxValue / 2)
            throw new InputException(
                $"'{sigPath}' holds {reader.Count:N0} documents; this pipeline handles up to {int.MaxValue / 2:N0} per run");
        int n = (int)reader.Count;
        var banding = options.ExactOnly ? null : options.Banding();
        int b = banding?.Bands ?? 0, r = banding?.Rows ?? 0;

        // 1. Exact duplicates, and the band hashes of the documents that go on to LSH.
        var firstOf = new Dictionary<UInt128, int>(n);
        var links = new List<(int Dup, int First)>();
        var eligible = new bool[n];
        var keys = new ulong[b][];
        for (int j = 0; j < b; j++) keys[j] = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            var rec = reader.Next();
            if (firstOf.TryGetValue(rec.ExactHash, out int first)) { links.Add((i, first)); continue; }
            firstOf[rec.ExactHash] = i;
            if (rec.ShingleCount == 0 || banding is null) continue;
            eligible[i] = true;
            for (int j = 0; j < b; j++) keys[j][i] = DedupHash.Combine(rec.Signature.AsSpan(j * r, r), (ulong)j);
        }
        progress?.Report(new DedupProgress(DedupStage.Buckets, n, n));

        // 2. Per band: sort (hash, doc), pair the runs of equal hashes.
        var perBand = new List<long>[b];
        var capped = new int[b];
        var largest = new int[b];
        Parallel.For(0, b, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, j =>
        {
            var entries = new List<(ulong Key, int Doc)>();
            for (int i = 0; i < n; i++) if (eligible[i]) entries.Add((keys[j][i], i));
            entries.Sort();
            var pairs = new List<long>();
            for (int start = 0; start < entries.Count;)
            {
                int end = start + 1;
                while (end < entries.Count && entries[end].Key == entries[start].Key) end++;
                int m = end - start;
                largest[j] = Math.Max(largest[j], m);
                if (m <= options.MaxBucketPairs)
                {
                    for (int x = start; x < end; x++)
                        for (int y = x + 1; y < end; y++) pairs.Add(Pack(entries[x].Doc, entries[y].Doc));
                }
                else
                {
                    capped[j]++;
                    for (int x = start + 1; x < end; x++) pairs.Add(Pack(entries[x - 1].Doc, entries[x].Doc));
                }
                start = end;
            }
            perBand[j] = pairs;
        });
        var all = perBand.SelectMany(p => p).ToArray();
        Array.Sort(all);
        int distinct = all.Length == 0 ? 0 : 1;
        for (int i = 1; i < all.Length; i++) if (all[i] != all[distinct - 1]) all[distinct++] = all[i];

        // 3. Write buckets.bin.
        var run = Guid.NewGuid();
        AtomicFile.Write(Path.Combine(workDir, BucketFile.Name), stream =>
        {
            using var w = new BinaryWriter(new BufferedStream(stream, 1 << 20), StageFile.Utf8, leaveOpen: true);
            StageFile.WriteHeader(w, BucketFile.Magic, settings, run, reader.Header.Run);
            w.Write((long)n);
            w.Write(links.Count);
            foreach (var (dup, first) in links) { w.Write(dup); w.Write(first); }
            w.Write((long)distinct);
            for (int i = 0; i < distinct; i++) w.Write(all[i]);
            w.Write(capped.Sum());
            w.Write(largest.DefaultIfEmpty(0).Max());
            w.Flush();
        });
        return new BucketStageResult(n, links.Count, eligible.Count(e => e), distinct, capped.Sum(), largest.DefaultIfEmpty(0).Max(),
            banding,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>A pair (a &lt; b) as one sortable 64-bit value.</summary>
    internal static long Pack(int a, int b) => a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;

    internal static (int A, int B) Unpack(long p) => ((int)(p >> 32), (int)(uint)p);
}
