using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LlmLab.Training.Distributed;

/// <summary>
/// Checks and addresses of the tensors the collectives read and write: 1-D views of contiguous CPU memory, float32
/// (or float64), whose bytes a native library may use directly. Stateless.
/// </summary>
static class CollectiveBuffers
{
    // TorchSharp exposes no data pointer; its native shim does (THSStorage_data_ptr: the storage's first byte).
    [DllImport("LibTorchSharp")]
    static extern IntPtr THSStorage_data_ptr(IntPtr tensor);

    /// <summary>Throws unless <paramref name="t"/> is a contiguous float32/float64 CPU tensor.</summary>
    public static void Check(Tensor t, string what)
    {
        ArgumentNullException.ThrowIfNull(t, what);
        if (t.dtype != ScalarType.Float32 && t.dtype != ScalarType.Float64)
            throw new ArgumentException($"{what}: collectives reduce float32 or float64 buffers (got {t.dtype}); reduce bf16 gradients in fp32", what);
        if (t.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"{what}: the MPI and in-process back-ends work on CPU memory (got {t.device}); a GPU needs an NCCL back-end", what);
        if (!t.is_contiguous()) throw new ArgumentException($"{what}: the buffer must be contiguous", what);
    }

    /// <summary>The address of <paramref name="t"/>'s first element (valid while the tensor lives).</summary>
    public static IntPtr Address(Tensor t) => THSStorage_data_ptr(t.Handle) + (nint)(t.storage_offset() * t.ElementSize);

    /// <summary>Bytes of <paramref name="t"/>.</summary>
    public static long Bytes(Tensor t) => t.numel() * t.ElementSize;
}
