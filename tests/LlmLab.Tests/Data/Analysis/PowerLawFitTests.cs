using LlmLab.Data.Analysis;

namespace LlmLab.Tests.Data.Analysis;

/// <summary>Zipf and Heaps fits on synthetic data whose exponents are known.</summary>
public sealed class PowerLawFitTests
{
    [Fact]
    public void Exact_power_law_is_recovered()
    {
        var pts = Enumerable.Range(1, 50).Select(i => ((double)i * 10, 3.5 * Math.Pow(i * 10, 0.55))).ToList();
        var fit = PowerLawFit.Fit(pts);
        Assert.Equal(0.55, fit.Exponent, 10);
        Assert.Equal(3.5, fit.Coefficient, 8);
        Assert.Equal(1, fit.RSquared, 10);
    }

    [Fact]
    public void Zipf_exponent_of_exact_frequencies()
    {
        long[] f = Enumerable.Range(1, 5000).Select(r => (long)Math.Round(1e7 * Math.Pow(r, -1.1))).ToArray();
        Assert.Equal(-1.1, PowerLawFit.Zipf(f, 1, 1000).Exponent, 3);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.25)]
    public void Zipf_exponent_of_a_sample(double s)
    {
        var rng = new Random(7);
        var cdf = SyntheticText.ZipfCdf(20_000, s);
        var counts = new long[20_000];
        for (int i = 0; i < 400_000; i++) counts[SyntheticText.Draw(rng, cdf)]++;
        var f = counts.Where(c => c > 0).OrderByDescending(c => c).ToArray();
        Assert.InRange(-PowerLawFit.Zipf(f, 10, 10_000, minCount: 5).Exponent, s - 0.08, s + 0.08);
    }

    [Fact]
    public void Heaps_exponent_of_exact_growth_and_of_a_Zipf_sample()
    {
        // Types first seen where V(n) = 2·n^0.5 steps up: V(n) = #{first < n}.
        var firsts = Enumerable.Range(1, 2000).Select(v => (long)Math.Ceiling(Math.Pow(v / 2.0, 2))).ToArray();
        var exact = PowerLawFit.Heaps(firsts, firsts[^1] + 1, minN: 100);
        Assert.InRange(exact.Exponent, 0.49, 0.51);
        // Zipf(s) text has Heaps β ≈ 1/s for s > 1 (Baeza-Yates and Navarro 2000); at this size, within 0.06.
        var rng = new Random(11);
        var cdf = SyntheticText.ZipfCdf(200_000, 1.6);
        var seen = new HashSet<int>();
        var first = new List<long>();
        for (int n = 0; n < 300_000; n++) if (seen.Add(SyntheticText.Draw(rng, cdf))) first.Add(n);
        Assert.InRange(PowerLawFit.Heaps(first, 300_000, 1000).Exponent, 1 / 1.6 - 0.06, 1 / 1.6 + 0.06);
    }

    [Fact]
    public void Too_few_points_are_explained()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PowerLawFit.Zipf([3, 2, 1], 1, 100, minCount: 5));
        Assert.Contains("analyse more text", e.Message);
        Assert.Throws<ArgumentException>(() => PowerLawFit.Fit([(1, 1), (1, 2)]));
        Assert.Equal([1L, 2, 3, 4, 5, 6], PowerLawFit.LogGrid(1, 6));
    }
}
