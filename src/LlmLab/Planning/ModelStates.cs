namespace LlmLab.Planning;

/// <summary>
/// The bytes of a model's training states held by one GPU: the weights used in forward/backward, their gradients,
/// the fp32 master copy of the weights (mixed precision only) and the optimizer's moments. The ZeRO paper calls
/// master weights + moments the "optimizer states" (K = 12 bytes/param for mixed-precision Adam).
/// </summary>
public readonly record struct ModelStates(long WeightBytes, long GradientBytes, long MasterWeightBytes, long OptimizerStateBytes)
{
    /// <summary>Sum of the four.</summary>
    public long TotalBytes => WeightBytes + GradientBytes + MasterWeightBytes + OptimizerStateBytes;
}
