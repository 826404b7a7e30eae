namespace LlmLab.Alignment;

/// <summary>
/// Which per-token estimator of KL(π ‖ π_ref) PPO's penalty uses, on tokens sampled from π, with log r = log π_ref − log π
/// (Schulman, "Approximating KL divergence", 2020):
/// </summary>
public enum KlEstimator
{
    /// <summary>k1 = log π − log π_ref = −log r: unbiased, but a single token's value can be negative (TRL's default "kl").</summary>
    K1,

    /// <summary>k3 = (r − 1) − log r: unbiased too, and ≥ 0 on every token (log x ≤ x − 1), with lower variance when π is
    /// close to π_ref (TRL's "full"/"k3" option, used by GRPO).</summary>
    K3,
}
