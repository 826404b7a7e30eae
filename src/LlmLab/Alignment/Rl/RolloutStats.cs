namespace LlmLab.Alignment;

/// <summary>What one PPO rollout batch measured (before training on it). Immutable.</summary>
/// <param name="Rollout">0-based rollout index.</param>
/// <param name="Score">Mean reward-function score of the replies (the RM's reward, or the checker's 0/1).</param>
/// <param name="Kl">Mean KL(π ‖ π_ref) per reply: the sum of k1 over its tokens (an unbiased estimate of the sequence KL).</param>
/// <param name="KlCoef">The KL coefficient β used for this batch (changes only with the adaptive controller).</param>
/// <param name="ReplyTokens">Mean reply length in tokens.</param>
/// <param name="Tokens">Tokens generated in this batch.</param>
public sealed record RolloutStats(int Rollout, double Score, double Kl, double KlCoef, double ReplyTokens, long Tokens);
