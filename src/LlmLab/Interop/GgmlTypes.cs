using LlmLab.Inference.Quantization;

namespace LlmLab.Interop;

/// <summary>Sizes and names of <see cref="GgmlType"/>. Stateless.</summary>
public static class GgmlTypes
{
    /// <summary>(weights per block, bytes per block) of <paramref name="type"/>.</summary>
    public static (int Block, int Bytes) Layout(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 => (1, 2),
        GgmlType.Q4_0 => (GgmlBlocks.BlockSize, GgmlBlocks.Q4_0Bytes),
        GgmlType.Q8_0 => (GgmlBlocks.BlockSize, GgmlBlocks.Q8_0Bytes),
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"ggml type {(uint)type} is not one LlmLab handles"),
    };

    /// <summary>Whether <paramref name="type"/> is a <see cref="GgmlType"/> LlmLab reads.</summary>
    public static bool IsKnown(uint type) => type is 0 or 1 or 2 or 8;

    /// <summary>Bytes of a tensor of <paramref name="elements"/> weights whose first dimension is <paramref name="ne0"/>; null
    /// when the first dimension is not a whole number of blocks.</summary>
    public static long? ByteSize(GgmlType type, long ne0, long elements)
    {
        var (block, bytes) = Layout(type);
        if (ne0 % block != 0) return null;
        return checked(elements / block * bytes);
    }

    /// <summary>The name llama.cpp prints and <c>--type</c> takes: f32, f16, q4_0, q8_0.</summary>
    public static string Name(GgmlType type) => type.ToString().ToLowerInvariant();

    /// <summary>Parses <c>--type</c>.</summary>
    /// <exception cref="InputException">An unknown name.</exception>
    public static GgmlType Parse(string name, string field) => name.ToLowerInvariant() switch
    {
        "f32" => GgmlType.F32,
        "f16" => GgmlType.F16,
        "q8_0" => GgmlType.Q8_0,
        "q4_0" => GgmlType.Q4_0,
        _ => throw new InputException($"{field} must be f32, f16, q8_0 or q4_0 (got '{name}')"),
    };
}
