namespace LlmLab.Interop;

/// <summary>
/// One tensor of a GGUF file: its name, its dimensions in ggml's order (ne[0] first: the contiguous one, so a PyTorch
/// (out, in) matrix is written as [in, out] with the same bytes), its element type, and the offset of its data from the
/// start of the data section (a multiple of the file's alignment). Immutable.
/// </summary>
/// <param name="Name">At most 64 bytes of UTF-8 (the spec's limit).</param>
/// <param name="Dimensions">ne[0], ne[1], …: at most 4, each ≥ 1.</param>
/// <param name="Type">The element type.</param>
/// <param name="Offset">Bytes from the start of the data section.</param>
/// <param name="ByteSize">The data's length in bytes.</param>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long Offset, long ByteSize)
{
    /// <summary>The number of elements (the product of the dimensions).</summary>
    public long Elements => Dimensions.Aggregate(1L, (a, d) => checked(a * d));

    /// <summary>The dimensions in PyTorch's order (outermost first): ne reversed.</summary>
    public long[] TorchShape => Dimensions.Reverse().ToArray();
}
