namespace LlmLab.Interop;

/// <summary>One tensor of a safetensors file: name, dtype ("F32", "F16", "BF16", …), shape (outermost first) and the
/// byte range of its data within the file (absolute offsets). Immutable.</summary>
public sealed record SafetensorsTensorInfo(string Name, string Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>The number of elements.</summary>
    public long Elements => Shape.Aggregate(1L, (a, d) => checked(a * d));
}
