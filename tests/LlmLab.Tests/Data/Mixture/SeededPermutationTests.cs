using LlmLab.Data.Mixture;

namespace LlmLab.Tests.Data.Mixture;

public sealed class SeededPermutationTests
{
    [Fact]
    public void Is_a_permutation_fixed_by_its_seed()
    {
        var a = SeededPermutation.Of(1000, 42);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.Equal(a, SeededPermutation.Of(1000, 42));
        Assert.NotEqual(a, SeededPermutation.Of(1000, 43));
        Assert.Empty(SeededPermutation.Of(0, 1));
        Assert.Equal([0], SeededPermutation.Of(1, 1));
    }

    [Fact]
    public void SplitMix64_matches_its_reference_outputs()
    {
        // Reference: the SplitMix64 of Steele, Lea & Flood (2014) from state 0 — the first outputs published with
        // Vigna's splitmix64.c (and Java's SplittableRandom(0).nextLong()).
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeededPermutation.Next(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, SeededPermutation.Next(ref state));
        Assert.Equal(0x06C45D188009454FUL, SeededPermutation.Next(ref state));
    }

    [Fact]
    public void Derived_seeds_differ_by_purpose_and_index()
    {
        var seeds = new HashSet<ulong>
        {
            SeededPermutation.Derive(1, "a"), SeededPermutation.Derive(1, "b"), SeededPermutation.Derive(2, "a"),
            SeededPermutation.Derive(1, "a", 1), SeededPermutation.Derive(1, "a", 0, 1),
        };
        Assert.Equal(5, seeds.Count);
    }
}
