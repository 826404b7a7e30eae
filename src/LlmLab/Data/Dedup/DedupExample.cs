namespace LlmLab.Data.Dedup;

/// <summary>One document shown in a report: its id, why it was kept or removed, its similarity to the document that
/// explains the removal, and the start of its text.</summary>
public sealed record DedupExampleMember(string Id, DedupReason Reason, double Similarity, string Snippet);

/// <summary>A cluster shown in a report: its id (first document's index), its size, the kept document and some removed ones.</summary>
public sealed record DedupExample(int Cluster, int Size, DedupExampleMember Kept, IReadOnlyList<DedupExampleMember> Removed);
