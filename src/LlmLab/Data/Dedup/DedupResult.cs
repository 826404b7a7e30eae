namespace LlmLab.Data.Dedup;

/// <summary>
/// What a pipeline run did: the stages it ran and those whose earlier output it reused, each run stage's result
/// (null when reused or not run), the banding, and the final decisions (null when the clusters stage has not run yet).
/// </summary>
public sealed record DedupResult(
    IReadOnlyList<DedupStage> Ran,
    IReadOnlyList<DedupStage> Reused,
    SignatureStageResult? Signatures,
    BucketStageResult? Buckets,
    ClusterStageResult? Clusters,
    FilterStageResult? Filter,
    LshParameters? Banding,
    DedupClusters? Decisions);
