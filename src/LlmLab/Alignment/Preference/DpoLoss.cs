using LlmLab.Data;
using LlmLab.Nn.Gpt;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Direct Preference Optimization's loss (Rafailov et al. 2023, eq. 7) and IPO's (Azar et al. 2023, eq. 17). With
/// π_c, π_r the policy's and ρ_c, ρ_r the frozen reference's log-probabilities of the chosen and rejected replies,
/// h = (π_c − ρ_c) − (π_r − ρ_r):
/// <list type="bullet">
/// <item>sigmoid (DPO): L = −log σ(β·h), averaged over pairs; dL/dπ_c = −β·σ(−β·h) = −dL/dπ_r. At π = ρ, h = 0 and
/// L = ln 2.</item>
/// <item>IPO: L = (h − 1/(2β))², with per-token mean log-probabilities (as TRL computes IPO), which pulls the margin to a
/// fixed 1/(2β) instead of pushing it to infinity.</item>
/// </list>
/// The implicit rewards β(π − ρ) and the pair accuracy (h &gt; 0) are reported beside the loss, as TRL's DPOTrainer logs
/// them. Thread-safe (pure functions of tensors).
/// </summary>
public static class DpoLoss
{
    /// <summary>(B) per-pair DPO or IPO losses from (B) log-probabilities; h is returned too. New tensors.</summary>
    public static (Tensor Losses, Tensor Margin) Of(Tensor policyChosen, Tensor policyRejected, Tensor refChosen, Tensor refRejected,
        double beta, DpoLossKind kind = DpoLossKind.Sigmoid)
    {
        if (!(beta > 0)) throw new ArgumentException($"beta must be > 0 (got {beta})", nameof(beta));
        var h = (policyChosen - refChosen) - (policyRejected - refRejected);                 // (B)
        var losses = kind == DpoLossKind.Ipo ? (h - 1 / (2 * beta)).pow(2) : -nn.functional.logsigmoid(h * beta);
        return (losses, h);
    }

    /// <summary>
    /// The trainer's loss for a <see cref="PreferenceBatches"/> batch with reference log-probabilities: the policy's
    /// logits for the 2B rows, each reply's log-probability, the mean loss, and the metrics <c>reward_chosen</c>,
    /// <c>reward_rejected</c>, <c>margin</c> (β·h) and <c>accuracy</c> (share of pairs with h &gt; 0).
    /// </summary>
    public static Func<TrainingBatch, TrainingLoss> For(GptModel policy, double beta, DpoLossKind kind = DpoLossKind.Sigmoid)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return batch =>
        {
            var reference = batch.Extra(PreferenceBatches.ReferenceLogProbs);                  // (2B)
            var logps = SequenceLogProbs.Sum(policy.call(batch.X), batch.Y);        // (2B)
            if (kind == DpoLossKind.Ipo)
            {
                var n = SequenceLogProbs.Count(batch.Y);
                (logps, reference) = (logps / n, reference / n);
            }
            long b = logps.shape[0] / 2;
            var (pc, pr) = (logps.narrow(0, 0, b), logps.narrow(0, b, b));
            var (rc, rr) = (reference.narrow(0, 0, b), reference.narrow(0, b, b));
            var (losses, h) = Of(pc, pr, rc, rr, beta, kind);
            var loss = losses.mean();
            using var noGrad = no_grad();
            var metrics = new Dictionary<string, double>
            {
                ["reward_chosen"] = (beta * (pc - rc)).mean().item<float>(),
                ["reward_rejected"] = (beta * (pr - rr)).mean().item<float>(),
                ["margin"] = (beta * h).mean().item<float>(),
                ["accuracy"] = (h > 0).to(ScalarType.Float32).mean().item<float>(),
            };
            return new TrainingLoss(loss, metrics);
        };
    }
}
