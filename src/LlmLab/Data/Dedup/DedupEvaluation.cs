namespace LlmLab.Data.Dedup;

/// <summary>Pairs of a similarity range: how many there are, and how many the LSH banding made candidates.</summary>
public sealed record JaccardBin(double From, double To, long Pairs, long Candidates);

/// <summary>Quality of near-dup detection against brute force on a sample.</summary>
/// <param name="Documents">Documents with at least one shingle (the others have no Jaccard similarity).</param>
/// <param name="TruePairs">Pairs whose exact Jaccard similarity is ≥ the threshold.</param>
/// <param name="FoundPairs">Pairs the pipeline put in one cluster.</param>
/// <param name="CorrectPairs">Pairs in both sets.</param>
/// <param name="Bins">Pairs by similarity among the documents that reached LSH, with the candidates among them.</param>
public sealed record DedupQuality(long Documents, long TruePairs, long FoundPairs, long CorrectPairs, IReadOnlyList<JaccardBin> Bins)
{
    /// <summary>Correct / found (1 when nothing was found).</summary>
    public double Precision => FoundPairs == 0 ? 1 : CorrectPairs / (double)FoundPairs;

    /// <summary>Correct / true (1 when there is nothing to find).</summary>
    public double Recall => TruePairs == 0 ? 1 : CorrectPairs / (double)TruePairs;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Share of the pairs in the bins from <paramref name="from"/> up to <paramref name="to"/> that became LSH
    /// candidates; null when those bins hold no pair (not evaluated — never a silent 1).</summary>
    public double? CandidateRate(double from, double to = 1)
    {
        var bins = Bins.Where(b => b.From >= from - 1e-9 && b.To <= to + 1e-9).ToList();
        long pairs = bins.Sum(b => b.Pairs);
        return pairs == 0 ? null : bins.Sum(b => b.Candidates) / (double)pairs;
    }
}

/// <summary>
/// Brute-force ground truth for near-dup detection: the exact Jaccard similarity of every pair of a sample's
/// shingle sets (pairs that the size bound J ≤ min/max puts below every similarity of interest are skipped, which
/// keeps the result exact), compared with the pipeline's clusters. A pair counts as found when both documents are in
/// one cluster: that is what removal acts on, so chains joined through a third document count against precision.
/// </summary>
public static class DedupEvaluation
{
    /// <summary>Width of the similarity bins.</summary>
    public const double BinWidth = 0.05;

    /// <summary>Runs the pipeline on <paramref name="documents"/> (stage files in <paramref name="workDir"/>, no output
    /// files) and evaluates its clusters and candidates against brute force on the same documents.</summary>
    public static DedupQuality Measure(DocumentList documents, string workDir, DedupOptions options, double binsFrom = 0.5)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var r = DedupPipeline.Run(documents, workDir, null, options);
        var shingles = documents.Documents.Select(d => Shingler.Shingles(TextNormalizer.Normalize(d.Text, options.Normalization),
            options.ShingleKind, options.ShingleSize)).ToList();
        return Evaluate(shingles, r.Decisions!, DedupPipeline.CandidatePairs(workDir), options.Threshold, binsFrom, options.Threads);
    }

    /// <param name="shingles">The sample's shingle sets (sorted, distinct), in the pipeline's document order.</param>
    /// <param name="clusters">The pipeline's decisions for the same documents.</param>
    /// <param name="candidates">The LSH candidate pairs (see <see cref="DedupPipeline.CandidatePairs"/>).</param>
    /// <param name="threshold">The similarity from which a pair is a near-duplicate.</param>
    /// <param name="binsFrom">Lowest similarity of the bins (pairs below it are only counted when ≥ threshold).</param>
    /// <param name="threads">Worker threads (the counts do not depend on it).</param>
    public static DedupQuality Evaluate(IReadOnlyList<ulong[]> shingles, DedupClusters clusters, IReadOnlyList<(int A, int B)> candidates,
        double threshold, double binsFrom = 0.5, int threads = 1)
    {
        int n = shingles.Count;
        if (clusters.Count != n) throw new ArgumentException($"clusters hold {clusters.Count} documents, the sample {n}");
        var candidateSet = candidates.Select(p => BucketStage.Pack(p.A, p.B)).ToHashSet();
        int bins = (int)Math.Ceiling((1 - binsFrom) / BinWidth - 1e-9);
        double low = Math.Min(threshold, binsFrom);
        var perThread = new List<(long Truth, long Correct, long[] Pairs, long[] Cand)>();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => (0L, 0L, new long[bins], new long[bins]),
            (i, _, acc) =>
            {
                var a = shingles[i];
                if (a.Length == 0) return acc;
                for (int j = i + 1; j < n; j++)
                {
                    var b = shingles[j];
                    if (b.Length == 0 || Jaccard.UpperBound(a.Length, b.Length) < low) continue;
                    double s = Jaccard.Of(a, b);
                    if (s >= threshold)
                    {
                        acc.Item1++;
                        if (clusters.Cluster[i] == clusters.Cluster[j]) acc.Item2++;
                    }
                    if (s >= binsFrom && clusters.Reason[i] != DedupReason.Exact && clusters.Reason[j] != DedupReason.Exact)
                    {
                        int bin = Math.Min(bins - 1, (int)((s - binsFrom) / BinWidth));
                        acc.Item3[bin]++;
                        if (candidateSet.Contains(BucketStage.Pack(i, j))) acc.Item4[bin]++;
                    }
                }
                return acc;
            },
            acc => { lock (perThread) perThread.Add(acc); });
        long truth = perThread.Sum(t => t.Truth), correct = perThread.Sum(t => t.Correct);
        var clusterSizes = new Dictionary<int, long>();
        int documents = 0;
        for (int i = 0; i < n; i++)
        {
            if (shingles[i].Length == 0) continue;
            documents++;
            clusterSizes[clusters.Cluster[i]] = clusterSizes.GetValueOrDefault(clusters.Cluster[i]) + 1;
        }
        long found = clusterSizes.Values.Sum(k => k * (k - 1) / 2);
        var binList = Enumerable.Range(0, bins)
            .Select(k => new JaccardBin(binsFrom + k * BinWidth, Math.Min(1, binsFrom + (k + 1) * BinWidth),
            perThread.Sum(t => t.Pairs[k]), perThread.Sum(t => t.Cand[k]))).ToList();
        return new DedupQuality(documents, truth, found, correct, binList);
    }
}
