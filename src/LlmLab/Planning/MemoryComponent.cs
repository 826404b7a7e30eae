namespace LlmLab.Planning;

/// <summary>One line of a memory estimate: a component ("weights", "KV cache", …) and its bytes on one GPU.</summary>
public sealed record MemoryComponent(string Name, long Bytes);
