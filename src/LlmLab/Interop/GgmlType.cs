namespace LlmLab.Interop;

/// <summary>
/// The element types of GGUF tensors that LlmLab writes and reads (ggml's <c>enum ggml_type</c>; the numbers are the
/// file's). Quantized types pack blocks of 32 weights along the first (fastest) dimension, see
/// <see cref="Inference.Quantization.GgmlBlocks"/>.
/// </summary>
public enum GgmlType : uint
{
    /// <summary>IEEE 754 binary32.</summary>
    F32 = 0,
    /// <summary>IEEE 754 binary16.</summary>
    F16 = 1,
    /// <summary>Q4_0: 18-byte blocks of 32 weights (fp16 scale + 16 bytes of nibbles).</summary>
    Q4_0 = 2,
    /// <summary>Q8_0: 34-byte blocks of 32 weights (fp16 scale + 32 int8).</summary>
    Q8_0 = 8,
}
