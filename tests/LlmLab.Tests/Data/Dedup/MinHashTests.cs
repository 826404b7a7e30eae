using LlmLab.Data.Dedup;

namespace LlmLab.Tests.Data.Dedup;

public class MinHashTests
{
    /// <summary>Two sets of random 64-bit values with |A ∩ B| = shared, |A \ B| = |B \ A| = own: J = shared / (shared + 2·own).</summary>
    static (ulong[] A, ulong[] B) Sets(Random rng, int shared, int own)
    {
        ulong Next() => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63);
        var common = Enumerable.Range(0, shared).Select(_ => Next()).ToList();
        var a = common.Concat(Enumerable.Range(0, own).Select(_ => Next())).Distinct().Order().ToArray();
        var b = common.Concat(Enumerable.Range(0, own).Select(_ => Next())).Distinct().Order().ToArray();
        return (a, b);
    }

    [Fact]
    public void Estimate_is_within_four_standard_deviations_of_the_true_jaccard_and_unbiased()
    {
        var hasher = new MinHasher(256, seed: 7);
        var rng = new Random(1);
        double sumError = 0;
        int trials = 0;
        foreach (var (shared, own) in new[] { (100, 0), (90, 5), (80, 10), (60, 20), (50, 25), (20, 40), (5, 50), (0, 60) })
            for (int rep = 0; rep < 10; rep++)
            {
                var (a, b) = Sets(rng, shared, own);
                double j = Jaccard.Of(a, b);
                double est = MinHasher.Estimate(hasher.Signature(a), hasher.Signature(b));
                double sd = Math.Sqrt(j * (1 - j) / hasher.Permutations);
                Assert.True(Math.Abs(est - j) <= 4 * sd + 1e-12, $"J = {j:F3}, estimate {est:F3}, |Δ| > 4σ = {4 * sd:F3}");
                sumError += est - j;
                trials++;
            }
        // 80 independent estimates: the mean error's σ is ≤ 0.031/√80 ≈ 0.0035; a biased permutation family shows here.
        Assert.InRange(sumError / trials, -0.012, 0.012);
    }

    [Fact]
    public void Identical_sets_agree_everywhere_and_signatures_depend_on_seed_only()
    {
        var (a, _) = Sets(new Random(2), 50, 0);
        var h1 = new MinHasher(128, 1);
        Assert.Equal(1.0, MinHasher.Estimate(h1.Signature(a), new MinHasher(128, 1).Signature(a)));
        Assert.NotEqual(h1.Signature(a), new MinHasher(128, 2).Signature(a));
        Assert.All(h1.Signature([]), v => Assert.Equal(uint.MaxValue, v));
        // Pinned: a change of hashing or permutations changes every stage file, so it must be deliberate.
        Assert.Equal(1_671_383_447u, h1.Signature([1UL, 2UL, 3UL])[0]);
    }

    [Fact]
    public void Exact_jaccard_of_sorted_sets()
    {
        Assert.Equal(2 / 5.0, Jaccard.Of([1, 2, 3], [2, 3, 4, 5]), 12);
        Assert.Equal(1, Jaccard.Of([], []));
        Assert.Equal(0, Jaccard.Of([1], []));
        Assert.Equal(0.5, Jaccard.UpperBound(2, 4));
    }
}
