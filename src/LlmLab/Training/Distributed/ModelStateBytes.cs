namespace LlmLab.Training.Distributed;

/// <summary>
/// Bytes of model states one rank holds between steps, measured from the tensors themselves (numel × element size),
/// in the categories of the ZeRO paper and of <see cref="LlmLab.Planning.MemoryEstimator.ModelStatesPerGpu"/>.
/// </summary>
/// <param name="Weights">The module's parameters.</param>
/// <param name="Gradients">Gradients still allocated: the module's (released after the reduce-scatter from ZeRO-2 on) and the
/// shard's.</param>
/// <param name="OptimizerState">AdamW's moments (m and v) of the parameters this rank updates.</param>
/// <param name="ShardCopies">The fp32 copy of this rank's shard that its optimizer updates (ZeRO-1 and 2; in mixed
/// precision this is the paper's sharded master copy; in fp32 it is this implementation's overhead, 4Ψ/N).</param>
public sealed record ModelStateBytes(long Weights, long Gradients, long OptimizerState, long ShardCopies)
{
    /// <summary>All of it.</summary>
    public long Total => Weights + Gradients + OptimizerState + ShardCopies;
}
