namespace LlmLab.Tokenization;

/// <summary>One merge of a byte-level BPE vocabulary: tokens <see cref="Left"/> and <see cref="Right"/> make token
/// <see cref="Id"/>, whose bytes are theirs end to end. Merges are listed by ascending id, which is also their rank.</summary>
public readonly record struct BpeMerge(int Left, int Right, int Id);
