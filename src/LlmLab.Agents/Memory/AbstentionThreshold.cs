namespace LlmLab.Agents.Memory;

/// <summary>
/// Calibrates when the <see cref="ReferenceAnswerer"/> abstains: it answers from the memory most similar to the question,
/// and abstains when that best similarity (<see cref="ReferenceAnswerer.BestSimilarity"/>) is below a threshold. The
/// threshold is fitted on labelled questions — a set's validation part, whose no-answer questions say where abstaining is
/// right — as the cut that gets the most abstain/answer decisions right (ties: the middle of the widest gap between
/// scores, the largest margin), then frozen for the other questions, so the precision and recall reported on the test part
/// are not fitted to it. Stateless and thread-safe.
/// </summary>
public static class AbstentionThreshold
{
    /// <summary>True for the questions a set calibrates on: every other question of each conversation (the 1st, 3rd, …),
    /// so both parts span every user and category in the set's order.</summary>
    public static bool IsValidation(int indexInConversation) => indexInConversation % 2 == 0;

    /// <summary>The threshold under which abstaining gets most of <paramref name="validation"/> right.</summary>
    /// <param name="validation">Each question's best similarity and whether it has no answer (abstaining is right).</param>
    /// <param name="fallback">Returned when <paramref name="validation"/> holds no question of one of the two kinds
    /// (nothing to separate).</param>
    public static double Calibrate(IReadOnlyList<(double Score, bool NoAnswer)> validation, double fallback)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (!validation.Any(v => v.NoAnswer) || validation.All(v => v.NoAnswer)) return fallback;
        var scores = validation.Select(v => v.Score).Distinct().Order().ToList();
        // Candidate cuts: below every score, between each neighbouring pair, above every score; each with its gap's width.
        var cuts = new List<(double Cut, double Gap)> { (scores[0] - 0.05, 0.05) };
        for (int i = 0; i + 1 < scores.Count; i++) cuts.Add(((scores[i] + scores[i + 1]) / 2, scores[i + 1] - scores[i]));
        cuts.Add((scores[^1] + 0.05, 0.05));
        return cuts.Select(c => (c.Cut, c.Gap, Right: validation.Count(v => (v.Score < c.Cut) == v.NoAnswer)))
            .OrderByDescending(c => c.Right).ThenByDescending(c => c.Gap).ThenBy(c => c.Cut).First().Cut;
    }
}
