namespace LlmLab.Planning;

/// <summary>Whether an estimate's per-GPU total fits a GPU's memory, and by how much it fits or misses.</summary>
public sealed record GpuFit(GpuSpec Gpu, long RequiredBytes)
{
    /// <summary>Required ≤ the GPU's memory.</summary>
    public bool Fits => RequiredBytes <= Gpu.MemoryBytes;

    /// <summary>Memory left over (positive) or missing (negative), in bytes.</summary>
    public long HeadroomBytes => Gpu.MemoryBytes - RequiredBytes;
}
