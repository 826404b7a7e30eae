namespace LlmLab.Training;

/// <summary>One evaluation on the fixed validation set, after <paramref name="Step"/> steps (0 = before training).</summary>
/// <param name="Step">Steps done when it was measured.</param>
/// <param name="Loss">Mean validation loss per target (nats for a language model).</param>
/// <param name="Tokens">Training tokens seen so far.</param>
/// <param name="Seconds">Training time so far (evaluation excluded).</param>
public sealed record EvalMetrics(int Step, double Loss, long Tokens, double Seconds)
{
    /// <summary>The loss in bits: nats / ln 2 (bits per character for a character model).</summary>
    public double Bits => Loss / Math.Log(2);
}
