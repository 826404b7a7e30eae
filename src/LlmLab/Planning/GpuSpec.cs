namespace LlmLab.Planning;

/// <summary>
/// One accelerator, from its vendor datasheet: memory capacity in bytes, memory bandwidth in bytes/s and the dense
/// (no structured sparsity) peak of 16-bit tensor-core matrix math in FLOP/s. Immutable.
/// </summary>
public sealed record GpuSpec(string Name, long MemoryBytes, double MemoryBandwidthBytesPerSecond, double PeakBf16Flops);
