using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Log-probabilities of target tokens under a model's logits, the quantity DPO, the reward model and PPO all read:
/// log π(y_t | x, y_&lt;t) = log_softmax(logits_t)[y_t] at every position whose target is not −1. Shapes: N rows, T
/// positions, V ids. Thread-safe (pure tensor functions; results are new tensors in the caller's scope).
/// </summary>
public static class SequenceLogProbs
{
    /// <summary>(N, T) log-probability of each target, 0 where the target is −1. Logits in a 16-bit type are cast to
    /// fp32 first.</summary>
    public static Tensor PerToken(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        if (logits.dtype != ScalarType.Float32 && logits.dtype != ScalarType.Float64) logits = logits.to(ScalarType.Float32);
        var valid = targets >= 0;                                                     // (N, T)
        var safe = targets.masked_fill(valid.logical_not(), 0);                      // −1 → any valid id; masked below
        var lp = logits.log_softmax(-1).gather(-1, safe.unsqueeze(-1)).squeeze(-1);  // (N, T)
        return lp.masked_fill(valid.logical_not(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>(N) sum over each row's targets ≠ −1: the log-probability of the whole reply.</summary>
    public static Tensor Sum(Tensor logits, Tensor targets) => PerToken(logits, targets).sum(1);

    /// <summary>(N) number of targets ≠ −1 per row, as float.</summary>
    public static Tensor Count(Tensor targets) => (targets >= 0).sum(1).to(ScalarType.Float32);
}
