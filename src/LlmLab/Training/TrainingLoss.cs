using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// What a <see cref="Trainer"/> loss callback returns: the scalar to minimise and, beside it, named figures of the same
/// micro-batch that the step log and <c>metrics.jsonl</c> should carry (DPO's reward margin and pair accuracy, PPO's KL,
/// clip fraction and value loss, …). The trainer averages each metric over a step's micro-batches into
/// <see cref="StepMetrics.Values"/>. A plain tensor converts to a loss without metrics, so a callback written as
/// <c>batch → tensor</c> still fits.
/// </summary>
/// <param name="Loss">The scalar loss (it joins the caller's dispose scope; the trainer backpropagates it).</param>
/// <param name="Metrics">Figures of this micro-batch by name (snake_case), or null.</param>
public sealed record TrainingLoss(Tensor Loss, IReadOnlyDictionary<string, double>? Metrics = null)
{
    /// <summary>A loss without metrics.</summary>
    public static implicit operator TrainingLoss(Tensor loss) => new(loss);
}
