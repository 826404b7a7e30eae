namespace LlmLab.Training;

/// <summary>What a <see cref="Trainer.Run"/> did: every step, every evaluation, and how it ended.</summary>
/// <param name="Steps">Each step's metrics, in order.</param>
/// <param name="Evals">Each evaluation, in order (empty without a validation set).</param>
/// <param name="Seconds">Training time (evaluation excluded).</param>
/// <param name="Tokens">Tokens trained on.</param>
/// <param name="StoppedByTimeBudget">True when the time budget ended the run before the step count.</param>
public sealed record TrainingResult(IReadOnlyList<StepMetrics> Steps, IReadOnlyList<EvalMetrics> Evals, double Seconds, long Tokens,
    bool StoppedByTimeBudget)
{
    /// <summary>Steps done.</summary>
    public int StepsDone => Steps.Count;

    /// <summary>Training throughput over the run: tokens / training seconds.</summary>
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;

    /// <summary>The first evaluation (step 0, before training), or null.</summary>
    public EvalMetrics? Initial => Evals.Count > 0 ? Evals[0] : null;

    /// <summary>The last evaluation, or null.</summary>
    public EvalMetrics? Final => Evals.Count > 0 ? Evals[^1] : null;

    /// <summary>Median step time in milliseconds (0 when no step ran).</summary>
    public double MedianStepMilliseconds
    {
        get
        {
            if (Steps.Count == 0) return 0;
            return Runtime.SampleStats.Median(Steps.Select(s => s.Milliseconds));
        }
    }
}
