namespace LlmLab.Alignment;

/// <summary>How <see cref="PpoTrainer"/> trains (the keys of <c>llmlab ppo --config</c>, snake_case); the defaults are
/// TRL's PPO recipe where one applies (Huang et al. 2024 list them). Immutable.</summary>
/// <param name="Rollouts">Rollout batches: each generates, scores, then trains for <paramref name="Epochs"/>.</param>
/// <param name="RolloutBatch">Prompts per rollout (one sampled reply each); prompt budget = Rollouts × RolloutBatch.</param>
/// <param name="MiniBatch">Sequences per optimizer step.</param>
/// <param name="Epochs">Passes over each rollout batch (TRL: 4).</param>
/// <param name="LearningRate">Constant.</param>
/// <param name="Gamma">GAE's γ (1: rewards are not discounted within a reply).</param>
/// <param name="Lambda">GAE's λ (0.95).</param>
/// <param name="ClipRange">ε of the clipped policy objective (0.2).</param>
/// <param name="ClipRangeValue">ε_v of the clipped value loss (0.2).</param>
/// <param name="ValueCoef">The value loss's weight in the total (TRL's vf_coef 0.1).</param>
/// <param name="KlCoef">β of the per-token KL penalty in the reward (0.05).</param>
/// <param name="Kl">Which per-token KL estimator the penalty uses (k1 as TRL's default, or k3).</param>
/// <param name="AdaptiveKl">Adapt β toward <paramref name="TargetKl"/> (Ziegler et al. 2019, §2.2) instead of keeping it fixed.</param>
/// <param name="TargetKl">The adaptive controller's target KL per reply (nats).</param>
/// <param name="Temperature">Sampling temperature of the rollouts (1: the policy's own distribution, which the
/// log-probabilities assume).</param>
/// <param name="MaxNewTokens">The longest reply sampled.</param>
/// <param name="WhitenAdvantages">Normalise the advantages over each rollout batch.</param>
/// <param name="Seed">Seeds the prompt order, the sampling and the minibatch order.</param>
public sealed record PpoOptions(int Rollouts = 20, int RolloutBatch = 16, int MiniBatch = 8, int Epochs = 4, double LearningRate = 1e-4,
    double Gamma = 1.0, double Lambda = 0.95, double ClipRange = 0.2, double ClipRangeValue = 0.2, double ValueCoef = 0.1,
    double KlCoef = 0.05, KlEstimator Kl = KlEstimator.K1, bool AdaptiveKl = false, double TargetKl = 6.0, double Temperature = 1.0,
    int MaxNewTokens = 32, bool WhitenAdvantages = true, int Seed = 0)
{
    /// <summary>Optimizer steps per rollout batch: Epochs × ⌈RolloutBatch / MiniBatch⌉.</summary>
    public int StepsPerRollout => Epochs * ((RolloutBatch + MiniBatch - 1) / MiniBatch);

    /// <summary>Refuses values no run can use, naming the key.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        static void Positive(string key, double v) { if (!(v > 0) || double.IsInfinity(v)) throw new InputException($"{key} must be > 0 (got {v})"); }
        if (Rollouts < 1) throw new InputException($"rollouts must be >= 1 (got {Rollouts})");
        if (RolloutBatch < 1) throw new InputException($"rollout_batch must be >= 1 (got {RolloutBatch})");
        if (MiniBatch < 1 || MiniBatch > RolloutBatch) throw new InputException($"mini_batch must be in 1..rollout_batch ({RolloutBatch}) (got {MiniBatch})");
        if (Epochs < 1) throw new InputException($"epochs must be >= 1 (got {Epochs})");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new InputException($"learning_rate must be in (0, 1) (got {LearningRate})");
        if (!(Gamma is >= 0 and <= 1)) throw new InputException($"gamma must be in [0, 1] (got {Gamma})");
        if (!(Lambda is >= 0 and <= 1)) throw new InputException($"lambda must be in [0, 1] (got {Lambda})");
        Positive("clip_range", ClipRange);
        Positive("clip_range_value", ClipRangeValue);
        if (!(ValueCoef >= 0)) throw new InputException($"value_coef must be >= 0 (got {ValueCoef})");
        if (!(KlCoef >= 0)) throw new InputException($"kl_coef must be >= 0 (got {KlCoef})");
        if (!Enum.IsDefined(Kl)) throw new InputException("kl must be k1 or k3");
        Positive("target_kl", TargetKl);
        Positive("temperature", Temperature);
        if (MaxNewTokens < 1) throw new InputException($"max_new_tokens must be >= 1 (got {MaxNewTokens})");
    }
}
