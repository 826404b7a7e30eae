using LlmLab.Retrieval.Answering;
using LlmLab.Retrieval.Evaluation;
using LlmLab.Retrieval.Search;

namespace LlmLab.Tests.Retrieval;

public class FusionAndMetricsTests
{
    [Fact]
    public void RrfMatchesAHandComputedCase()
    {
        // BM25 ranks A, B, C; dense ranks C, A, D. With k = 60:
        // A = 1/61 + 1/62 = 0.032522, C = 1/63 + 1/61 = 0.032266, B = 1/62 = 0.016129, D = 1/63 = 0.015873.
        var fused = ReciprocalRankFusion.Fuse([[1, 2, 3], [3, 1, 4]]);
        Assert.Equal([1L, 3, 2, 4], fused.Select(f => f.Key));
        Assert.Equal(1.0 / 61 + 1.0 / 62, fused[0].Score, 12);
        Assert.Equal(1.0 / 63 + 1.0 / 61, fused[1].Score, 12);
        Assert.Equal(1.0 / 62, fused[2].Score, 12);
        Assert.Equal(1.0 / 63, fused[3].Score, 12);
    }

    [Fact]
    public void MmrSkipsANearDuplicate()
    {
        float[] q = [1, 0, 0];
        var a = Unit(0.9f, 0.43f, 0);
        var aCopy = Unit(0.9f, 0.44f, 0);
        var b = Unit(0.8f, 0, 0.6f);
        var order = MaximalMarginalRelevance.Select(q, [a, aCopy, b], 2, lambda: 0.5);
        Assert.Equal([0, 2], order); // relevance alone would take a and its copy
        Assert.Equal([0, 1], MaximalMarginalRelevance.Select(q, [a, aCopy, b], 2, lambda: 1.0));
    }

    static float[] Unit(params float[] v) => LlmLab.Retrieval.VectorMath.Normalized(v);

    [Fact]
    public void CitationCheckRejectsAnInventedNumber()
    {
        var ok = CitationCheck.Of("Debian is free [1]. It has three releases [2, 3].", 3);
        Assert.True(ok.IsValid);
        Assert.Equal([1, 2, 3], ok.Cited);
        var bad = CitationCheck.Of("Debian is free [1]. Ubuntu is based on it [7].", 5);
        Assert.False(bad.IsValid);
        Assert.Equal([7], bad.Invented);
        Assert.False(CitationCheck.Of("No citations at all.", 5).IsValid);
        Assert.False(CitationCheck.Of("Zero is not a source [0].", 5).IsValid);
    }

    [Fact]
    public void RankingMetricsOnAHandComputedCase()
    {
        // Chunks from sources x, r1, x, r2 → distinct ranking x, r1, r2; relevant {r1, r2}.
        var ranked = RetrievalMetrics.DistinctSources(["x", "r1", "x", "r2"]);
        Assert.Equal(["x", "r1", "r2"], ranked);
        string[] rel = ["r1", "r2"];
        Assert.Equal(0, RetrievalMetrics.RecallAt(ranked, rel, 1));
        Assert.Equal(0.5, RetrievalMetrics.RecallAt(ranked, rel, 2));
        Assert.Equal(1, RetrievalMetrics.RecallAt(ranked, rel, 10));
        Assert.Equal(0.5, RetrievalMetrics.ReciprocalRank(ranked, rel));
        // DCG = 1/log2(3) + 1/log2(4); ideal = 1 + 1/log2(3).
        Assert.Equal((1 / Math.Log2(3) + 0.5) / (1 + 1 / Math.Log2(3)), RetrievalMetrics.NdcgAt(ranked, rel, 10), 12);
    }

    [Fact]
    public void TokenF1FollowsSquad()
    {
        Assert.Equal(1.0, AnswerMetrics.TokenF1("The Debian project.", "debian project"));
        // prediction {debian, is, free}, gold {debian, is, an, os} → articles dropped: {debian, is, os}; common 2: P 2/3, R 2/3.
        Assert.Equal(2.0 / 3, AnswerMetrics.TokenF1("Debian is free", "Debian is an OS"), 12);
        Assert.Equal(0, AnswerMetrics.TokenF1("nothing shared", "debian"));
    }
}
