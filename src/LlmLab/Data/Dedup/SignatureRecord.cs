namespace LlmLab.Data.Dedup;

/// <summary>What the signatures stage keeps of one document: its id, the 128-bit hash of its normalised text, its
/// sizes, and its MinHash signature (empty with exact-only dedup). The text itself is not kept.</summary>
public sealed record SignatureRecord(string Id, UInt128 ExactHash, int Chars, int Bytes, int ShingleCount, uint[] Signature);
