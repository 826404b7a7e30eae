namespace LlmLab.Data.Dedup;

/// <summary>
/// A near-duplicate removal close to the threshold, shown in reports: the removed document and the partner that
/// explains it (its most similar verified pair). The partner is not necessarily the document its cluster keeps: in a
/// chain A ~ B ~ C where A is kept, C's partner can be B, itself removed — <see cref="Partner"/>'s
/// <see cref="DedupExampleMember.Reason"/> says which.
/// </summary>
/// <param name="Cluster">The cluster id (its first document's index).</param>
/// <param name="Size">Documents in the cluster.</param>
/// <param name="Removed">The removed document, with its Jaccard similarity to the partner.</param>
/// <param name="Partner">The partner, kept or removed.</param>
/// <param name="KeptId">The id of the document the cluster keeps.</param>
public sealed record DedupBorderlinePair(int Cluster, int Size, DedupExampleMember Removed, DedupExampleMember Partner, string KeptId);
