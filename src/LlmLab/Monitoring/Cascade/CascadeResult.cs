using Microsoft.Extensions.AI;

namespace LlmLab.Monitoring.Cascade;

/// <summary>One question through a cascade. Immutable.</summary>
/// <param name="Final">The reply returned: the large model's when escalated, else the small one's.</param>
/// <param name="Small">The small model's reply.</param>
/// <param name="Score">The scorer's confidence in it.</param>
/// <param name="Escalated">True when the score was below the threshold and the large model answered.</param>
/// <param name="SmallCost">Cost of the small model's answer and the scorer's calls.</param>
/// <param name="LargeCost">Cost of the large model's answer (0 when not escalated).</param>
public sealed record CascadeResult(ChatResponse Final, ChatResponse Small, ConfidenceScore Score, bool Escalated, double SmallCost, double LargeCost)
{
    /// <summary>What the question cost in all.</summary>
    public double Cost => SmallCost + LargeCost;
}
