using System.Diagnostics;
using LlmLab.Runtime;

namespace LlmLab.Data.Dedup;

/// <summary>What the clusters stage decided.</summary>
public sealed record ClusterStageResult(long Documents, long ExactRemoved, long NearRemoved, long Kept, long Clusters,
    long CandidatePairs, long VerifiedPairs, double Seconds);

/// <summary>
/// Stage 3: verifies every LSH candidate pair with the true Jaccard similarity of the two shingle sets (dropping
/// the S-curve's false positives), joins exact links and verified pairs with union-find, and keeps one document per
/// cluster: exact duplicates keep their first occurrence; a near-duplicate cluster keeps one of its remaining
/// documents by <see cref="DedupOptions.Keep"/>. Writes clusters.bin.
/// </summary>
/// <remarks>Reads shingles.bin once, holding only the sets of documents that appear in a candidate pair. Pairs are
/// verified in parallel into a per-pair array, and cluster ids are each cluster's smallest document index, so the
/// result is the same for any thread count.</remarks>
public static class ClusterStage
{
    public static ClusterStageResult Run(string workDir, DedupOptions options, IProgress<DedupProgress>? progress = null)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var settings = StageSettings.For(DedupStage.Clusters, options);
        string bucketPath = Path.Combine(workDir, BucketFile.Name);
        var buckets = BucketFile.Read(bucketPath);
        StageSettings.Check(bucketPath, buckets.Header.Settings, settings);
        int n = buckets.Documents;

        // 1. Sizes (for the keep rule) from signatures.bin, which must be the file the buckets were made from.
        string sigPath = Path.Combine(workDir, SignatureFile.SignaturesName);
        var chars = new int[n];
        using (var sig = new SignatureFile.Reader(sigPath))
        {
            if (sig.Header.Run != buckets.Header.Input || sig.Count != n)
                throw new InputException(
                    $"'{bucketPath}' was not made from the '{sigPath}' beside it (the signatures stage ran again " +
                    $"since): run the buckets stage again");
            for (int i = 0; i < n; i++) chars[i] = sig.Next().Chars;
        }

        // 2. Shingle sets of the documents in candidate pairs.
        var pairs = buckets.Pairs;
        var sets = new ulong[]?[n];
        if (pairs.Length > 0)
        {
            var needed = new bool[n];
            foreach (long p in pairs) { var (a, b) = BucketStage.Unpack(p); needed[a] = needed[b] = true; }
            string shPath = Path.Combine(workDir, SignatureFile.ShinglesName);
            using var sh = new SignatureFile.ShinglesReader(shPath);
            if (sh.Header.Run != buckets.Header.Input || sh.Count != n)
                throw new InputException($"'{shPath}' does not belong to the signatures beside it: run the signatures stage again");
            for (int i = 0; i < n; i++) sets[i] = sh.Next(needed[i]);
        }

        // 3. Verify each candidate pair by its true Jaccard similarity.
        var jaccard = new float[pairs.Length];
        Parallel.For(0, pairs.Length, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, p =>
        {
            var (a, b) = BucketStage.Unpack(pairs[p]);
            jaccard[p] = (float)Jaccard.Of(sets[a]!, sets[b]!);
        });
        progress?.Report(new DedupProgress(DedupStage.Clusters, pairs.Length, pairs.Length));

        // 4. Union-find over exact links and verified pairs; the best verified partner of each document.
        var uf = new UnionFind(n);
        var reason = new DedupReason[n];
        var partner = new int[n];
        var similarity = new float[n];
        Array.Fill(partner, -1);
        foreach (var (dup, first) in buckets.Links)
        {
            uf.Union(dup, first);
            (reason[dup], partner[dup], similarity[dup]) = (DedupReason.Exact, first, 1f);
        }
        var bestPartner = new int[n];
        var bestSim = new float[n];
        Array.Fill(bestPartner, -1);
        long verified = 0;
        for (int p = 0; p < pairs.Length; p++)
        {
            if (jaccard[p] < options.Threshold) continue;
            verified++;
            var (a, b) = BucketStage.Unpack(pairs[p]);
            uf.Union(a, b);
            foreach (var (x, y) in new[] { (a, b), (b, a) })
                if (jaccard[p] > bestSim[x] || (jaccard[p] == bestSim[x] && y < bestPartner[x]))
                    (bestSim[x], bestPartner[x]) = (jaccard[p], y);
        }

        // 5. One document kept per cluster among the exact-dedup survivors; cluster id = smallest member.
        var cluster = uf.Smallest();
        var keep = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            if (reason[i] == DedupReason.Exact) continue;
            if (!keep.TryGetValue(cluster[i], out int k)) keep[cluster[i]] = i;
            else if (options.Keep == KeepRule.Longest && chars[i] > chars[k]) keep[cluster[i]] = i;
        }
        for (int i = 0; i < n; i++)
        {
            if (reason[i] == DedupReason.Exact || keep[cluster[i]] == i) continue;
            (reason[i], partner[i], similarity[i]) = (DedupReason.Near, bestPartner[i] >= 0 ? bestPartner[i] : keep[cluster[i]],
                bestSim[i]);
        }
        var result = new DedupClusters(cluster, reason, partner, similarity, pairs.Length, verified);

        var run = Guid.NewGuid();
        AtomicFile.Write(Path.Combine(workDir, DedupClusters.FileName), stream =>
        {
            using var w = new BinaryWriter(new BufferedStream(stream, 1 << 20), StageFile.Utf8, leaveOpen: true);
            StageFile.WriteHeader(w, DedupClusters.Magic, settings, run, buckets.Header.Run);
            result.Write(w);
            w.Flush();
        });
        long exact = result.Removed(DedupReason.Exact), near = result.Removed(DedupReason.Near);
        return new ClusterStageResult(n, exact, near, n - exact - near, result.MultiMemberClusters(), pairs.Length, verified,
            clock.Elapsed.TotalSeconds);
    }
}
