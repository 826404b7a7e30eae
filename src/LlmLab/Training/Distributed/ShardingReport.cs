namespace LlmLab.Training.Distributed;

/// <summary>Rank 0's view of a <see cref="ShardingProbe.Compare"/>: the probe's settings, one process at the same global
/// batch, and each stage as measured on rank 0 (the <c>--json</c> of <c>llmlab bench shard</c>).</summary>
public sealed record ShardingReport(ShardingProbe.Options Options, ShardingMeasurement Reference, IReadOnlyList<ShardingMeasurement> Stages)
{
    /// <summary>max over steps of |loss − the one-process loss| for <paramref name="m"/>.</summary>
    public double MaxLossDelta(ShardingMeasurement m) => Reference.Losses.Zip(m.Losses, (a, b) => Math.Abs(a - b)).Max();
}
