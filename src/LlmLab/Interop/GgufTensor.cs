namespace LlmLab.Interop;

/// <summary>A tensor to write into a GGUF file: its name, dimensions in ggml's order (ne[0] first; see
/// <see cref="GgufTensorInfo"/>), element type and encoded bytes (F32/F16 little-endian, or Q8_0/Q4_0 blocks). Immutable
/// by convention: the writer does not change <paramref name="Data"/>.</summary>
public sealed record GgufTensor(string Name, long[] Dimensions, GgmlType Type, byte[] Data);
