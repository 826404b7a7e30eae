namespace LlmLab.Data.Dedup;

/// <summary>The stages of the pipeline, in order (datatrove's MinHash stages: signatures → buckets → clusters → filter).
/// Each writes one versioned file to the work folder, atomically, so a large corpus can run them one at a time and resume.</summary>
public enum DedupStage
{
    /// <summary>One pass over the corpus: normalise, exact hash, shingles, MinHash signature (signatures.bin, shingles.bin).</summary>
    Signatures,

    /// <summary>Exact-duplicate links and LSH candidate pairs from the signatures (buckets.bin).</summary>
    Buckets,

    /// <summary>Candidate pairs verified by their true Jaccard, union-find clusters, one document kept each (clusters.bin).</summary>
    Clusters,

    /// <summary>A second pass over the corpus writing the kept documents (JSONL), the removed ones and a report.</summary>
    Filter,
}

/// <summary>Progress of a stage: items done (documents, pairs) out of a total when known (else 0).</summary>
public readonly record struct DedupProgress(DedupStage Stage, long Done, long Total);
