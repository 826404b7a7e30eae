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
/// precision this is the paper's sharded master copy; in fp32 it is this implementation's overhead, 4Ψ/N). Under ZeRO-3
/// the shard is the weights themselves and counts in <paramref name="Weights"/>.</param>
/// <param name="Gathered">ZeRO-3: the most parameter bytes gathered at once during the latest step (the root unit and one
/// block, padded) — memory held only while a unit runs, so not in <see cref="Total"/>; 0 for the other stages.</param>
public sealed record ModelStateBytes(long Weights, long Gradients, long OptimizerState, long ShardCopies, long Gathered = 0)
{
    /// <summary>All of it between steps (without <see cref="Gathered"/>).</summary>
    public long Total => Weights + Gradients + OptimizerState + ShardCopies;
}
