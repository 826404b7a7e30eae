namespace LlmLab.Data.Dedup;

/// <summary>Why a document was kept or removed.</summary>
public enum DedupReason : byte
{
    /// <summary>Kept: unique, or the one kept of its cluster.</summary>
    Kept = 0,

    /// <summary>Removed by exact dedup: its normalised text equals an earlier document's (<see cref="DedupClusters.Partner"/>).</summary>
    Exact = 1,

    /// <summary>Removed by near-dup dedup: in a cluster whose kept document is another; its partner is the document it
    /// was most similar to among its verified pairs.</summary>
    Near = 2,
}

/// <summary>
/// The clusters stage's result, per document in corpus order: its cluster id (the index of the cluster's first
/// document, so ids depend only on the clusters, never on threads or timing), why it is kept or removed, the document
/// that explains the removal, and their Jaccard similarity (1 for exact duplicates). Read from clusters.bin; the
/// arrays are owned by this object and must not be changed.
/// </summary>
public sealed class DedupClusters
{
    internal const string Magic = "LLCL", FileName = "clusters.bin", MadeBy = "clusters";

    internal DedupClusters(int[] cluster, DedupReason[] reason, int[] partner, float[] similarity, long candidatePairs, long verifiedPairs)
    {
        Cluster = cluster;
        Reason = reason;
        Partner = partner;
        Similarity = similarity;
        CandidatePairs = candidatePairs;
        VerifiedPairs = verifiedPairs;
    }

    public int Count => Cluster.Length;
    public int[] Cluster { get; }
    public DedupReason[] Reason { get; }
    /// <summary>For a removed document, the document that explains it; −1 for a kept one.</summary>
    public int[] Partner { get; }
    /// <summary>Jaccard similarity with <see cref="Partner"/> (0 for a kept document).</summary>
    public float[] Similarity { get; }
    public long CandidatePairs { get; }
    /// <summary>Candidate pairs whose true Jaccard reached the threshold.</summary>
    public long VerifiedPairs { get; }

    public long Removed(DedupReason reason) => Reason.LongCount(r => r == reason);

    /// <summary>Clusters of two or more documents.</summary>
    public long MultiMemberClusters()
    {
        var sizes = new Dictionary<int, int>();
        foreach (int c in Cluster) sizes[c] = sizes.GetValueOrDefault(c) + 1;
        return sizes.Values.LongCount(s => s > 1);
    }

    /// <summary>Reads clusters.bin from <paramref name="workDir"/>.</summary>
    /// <exception cref="InputException">Missing, damaged, or another format version.</exception>
    public static DedupClusters Read(string workDir) => ReadWithHeader(workDir).Clusters;

    internal static (DedupClusters Clusters, StageHeader Header) ReadWithHeader(string workDir)
    {
        string path = Path.Combine(workDir, FileName);
        using var r = StageFile.Open(path, MadeBy);
        var header = StageFile.ReadHeader(r, path, Magic, MadeBy);
        return StageFile.Guard(path, MadeBy, () =>
        {
            int n = checked((int)r.ReadInt64());
            var cluster = new int[n];
            var reason = new DedupReason[n];
            var partner = new int[n];
            var sim = new float[n];
            for (int i = 0; i < n; i++)
            {
                cluster[i] = r.ReadInt32();
                reason[i] = (DedupReason)r.ReadByte();
                partner[i] = r.ReadInt32();
                sim[i] = r.ReadSingle();
            }
            return (new DedupClusters(cluster, reason, partner, sim, r.ReadInt64(), r.ReadInt64()), header);
        });
    }

    internal void Write(BinaryWriter w)
    {
        w.Write((long)Count);
        for (int i = 0; i < Count; i++)
        {
            w.Write(Cluster[i]);
            w.Write((byte)Reason[i]);
            w.Write(Partner[i]);
            w.Write(Similarity[i]);
        }
        w.Write(CandidatePairs);
        w.Write(VerifiedPairs);
    }
}
