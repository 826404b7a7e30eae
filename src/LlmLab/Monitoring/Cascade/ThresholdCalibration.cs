namespace LlmLab.Monitoring.Cascade;

/// <summary>
/// Picks a cascade's threshold on a validation set so that a target share of questions escalates (RouteLLM's
/// calibration, Ong et al. 2024, section 5: thresholds are set on held-out data to reach a given share of calls to the
/// strong model). A question escalates when its score is strictly below the threshold. Stateless.
/// </summary>
public static class ThresholdCalibration
{
    /// <summary>The threshold among the candidates (every distinct score, and +∞) whose escalation share on
    /// <paramref name="scores"/> is closest to <paramref name="targetRate"/> (the lower one on a tie); with ties in the
    /// scores the target can only be approached.</summary>
    /// <returns>The threshold and the share it escalates on these scores.</returns>
    /// <exception cref="InputException">No scores, or a target outside [0, 1].</exception>
    public static (double Threshold, double Rate) ForEscalationRate(IReadOnlyList<double> scores, double targetRate)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) throw new InputException("threshold calibration needs at least one validation score");
        if (double.IsNaN(targetRate) || targetRate is < 0 or > 1)
            throw new InputException($"the target escalation rate must be in [0, 1] (got {targetRate})");
        var sorted = scores.Order().ToArray();
        var candidates = sorted.Distinct().Append(double.PositiveInfinity);
        (double T, double Rate) best = (double.NaN, double.NaN);
        foreach (double t in candidates)
        {
            double rate = (double)sorted.Count(s => s < t) / sorted.Length;
            if (double.IsNaN(best.T) || Math.Abs(rate - targetRate) < Math.Abs(best.Rate - targetRate)) best = (t, rate);
        }
        return best;
    }

    /// <summary>The share of <paramref name="scores"/> strictly below <paramref name="threshold"/>.</summary>
    public static double EscalationRate(IReadOnlyList<double> scores, double threshold) =>
        scores.Count == 0 ? 0 : (double)scores.Count(s => s < threshold) / scores.Count;
}
