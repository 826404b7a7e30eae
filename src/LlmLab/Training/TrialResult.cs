namespace LlmLab.Training;

/// <summary>The outcome of one <see cref="TrainingTrial.Run"/>. Immutable.</summary>
/// <param name="TrainLoss">Training loss (mean cross-entropy of the batch, nats) at each step that ran.</param>
/// <param name="ValidationLoss">Mean cross-entropy on the validation set after training; +∞ when the run diverged, NaN when
/// the trial had no validation set.</param>
/// <param name="Diverged">Whether the loss or the gradient norm became NaN or infinite (training stops there).</param>
public sealed record TrialResult(IReadOnlyList<double> TrainLoss, double ValidationLoss, bool Diverged)
{
    /// <summary>Mean of the last <paramref name="n"/> training losses (a less noisy "final" train loss).</summary>
    public double FinalTrainLoss(int n = 10) =>
        Diverged || TrainLoss.Count == 0 ? double.PositiveInfinity : TrainLoss.Skip(Math.Max(0, TrainLoss.Count - n)).Average();
}
