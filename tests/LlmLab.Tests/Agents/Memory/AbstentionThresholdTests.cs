using LlmLab.Agents.Memory;

namespace LlmLab.Tests.Agents.Memory;

/// <summary>The reference answerer's abstention threshold is the cut that gets most validation decisions right (checked
/// by brute force over every cut), frozen for the test part.</summary>
public sealed class AbstentionThresholdTests
{
    [Fact]
    public void The_cut_separates_no_answer_questions_with_the_widest_margin()
    {
        // Separable: no-answer questions score 0.20 and 0.31, answerable ones 0.45 and 0.60: the cut is between 0.31 and 0.45.
        double t = AbstentionThreshold.Calibrate([(0.45, false), (0.20, true), (0.60, false), (0.31, true)], fallback: 0.3);
        Assert.Equal(0.38, t, 12);
        // Not separable: brute force over cuts (abstain iff score < cut) finds 4 of 5 right at best.
        var v = new List<(double Score, bool NoAnswer)> { (0.2, true), (0.5, true), (0.4, false), (0.6, false), (0.7, false) };
        double u = AbstentionThreshold.Calibrate(v, 0.3);
        int Right(double cut) => v.Count(x => (x.Score < cut) == x.NoAnswer);
        int best = new[] { 0.1, 0.3, 0.45, 0.55, 0.65, 0.8 }.Max(Right);
        Assert.Equal(4, best);
        Assert.Equal(best, Right(u));
        Assert.Equal(0.3, u, 12);                                                            // of the best cuts, the widest gap (0.2–0.4)
        // Nothing to separate: the fallback.
        Assert.Equal(0.3, AbstentionThreshold.Calibrate([(0.5, false), (0.6, false)], 0.3));
    }

    [Fact]
    public void The_validation_part_is_every_other_question_and_the_answerer_uses_the_threshold()
    {
        Assert.Equal(new[] { true, false, true, false }, Enumerable.Range(0, 4).Select(AbstentionThreshold.IsValidation));
        float[] q = [1, 0];
        MemoryRecord M(float x, float y) => new(MemoryKind.Fact, 1, "u", "s", "The user lives in Lyon.", DateTimeOffset.UnixEpoch, 0.5,
            0, 0, [x, y]);
        var context = new[] { M(0.4f, 0.916515f) };                                          // cosine 0.4 with the question
        Assert.Equal(0.4, ReferenceAnswerer.BestSimilarity(q, context), 6);
        Assert.Equal(ReferenceAnswerer.Abstention, new ReferenceAnswerer(0.45).Answer(q, context));
        Assert.StartsWith("The user lives in Lyon.", new ReferenceAnswerer(0.35).Answer(q, context));
        Assert.Equal(-1.0, ReferenceAnswerer.BestSimilarity(q, []), 9);
    }
}
