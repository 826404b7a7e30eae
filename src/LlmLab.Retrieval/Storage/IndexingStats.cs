namespace LlmLab.Retrieval.Storage;

/// <summary>What one indexing pass did.</summary>
/// <param name="Documents">Documents read.</param>
/// <param name="Added">Chunks new or changed, hence embedded.</param>
/// <param name="Kept">Chunks unchanged (same content hash): not embedded again.</param>
/// <param name="Removed">Chunks of re-indexed documents that no longer exist.</param>
/// <param name="Skipped">Documents that could not be read (see the loader's list).</param>
public sealed record IndexingStats(int Documents, int Added, int Kept, int Removed, int Skipped);
