namespace LlmLab.Interop;

/// <summary>What <see cref="GgufExport.Write"/> wrote: the architecture, the number of tensors, how many took the requested
/// type (the rest are f32 norms/biases or f16 fallbacks), the tensor bytes and the file's size; <paramref name="Note"/> says
/// where llama.cpp will compute something other than our model (null when it computes the same function).</summary>
public sealed record GgufFileSummary(string Architecture, int Tensors, int TensorsInType, long TensorBytes, long FileBytes,
    string? Note = null);
