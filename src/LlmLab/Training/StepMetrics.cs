using System.Globalization;

namespace LlmLab.Training;

/// <summary>
/// One training step as measured: its loss, learning rate, gradient norm (before clipping), wall time and speed. A
/// record so that callers can log it as-is (e.g. to metrics.jsonl).
/// </summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Loss">Training loss of the step's batch (mean per target, nats for a language model).</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="GradNorm">Global L2 norm of the gradients before clipping.</param>
/// <param name="Milliseconds">Wall time of the step: batch, forward, backward, clipping and update.</param>
/// <param name="TokensPerSecond">Tokens of the step divided by its time.</param>
/// <param name="Tokens">Tokens trained on so far, this step included.</param>
/// <param name="Seconds">Training time so far (evaluation excluded), this step included.</param>
/// <param name="Mfu">Model FLOPs utilisation of the step, in [0, 1]: FLOPs per token × tokens/s ÷ peak FLOP/s (PaLM,
/// Chowdhery et al. 2022, appendix B); null when the trainer was given no FLOPs per token or peak.</param>
/// <param name="Values">The loss callback's own metrics (<see cref="TrainingLoss.Metrics"/>), averaged over the step's
/// micro-batches, by name; null when it gave none.</param>
public sealed record StepMetrics(int Step, double Loss, double LearningRate, double GradNorm, double Milliseconds,
    double TokensPerSecond, long Tokens, double Seconds, double? Mfu = null, IReadOnlyDictionary<string, double>? Values = null)
{
    /// <summary>The project's one-line step log: <c>step 120 | loss 1.8342 | lr 3.0e-04 | 12.4k tok/s | 310 ms</c>.</summary>
    public string ToLogLine() => string.Create(CultureInfo.InvariantCulture,
        $"step {Step} | loss {Loss:0.0000} | lr {LearningRate:0.0e+00} | {Rate(TokensPerSecond)} tok/s | {Ms(Milliseconds)} ms") +
        string.Concat((Values ?? new Dictionary<string, double>())
            .Select(v => string.Create(CultureInfo.InvariantCulture, $" | {v.Key} {v.Value:0.####}")));

    /// <summary>12.4k, 1.2M, 950: three significant figures at most.</summary>
    internal static string Rate(double perSecond) => perSecond switch
    {
        >= 1e6 => (perSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (perSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "k",
        _ => perSecond.ToString("0", CultureInfo.InvariantCulture),
    };

    static string Ms(double ms) => ms.ToString(ms >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
