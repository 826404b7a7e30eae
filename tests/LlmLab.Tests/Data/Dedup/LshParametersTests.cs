using LlmLab.Data.Dedup;

namespace LlmLab.Tests.Data.Dedup;

public class LshParametersTests
{
    // From lsh_golden.py (beside this file): datasketch's rule with the integrals in exact rational arithmetic.
    [Theory]
    [InlineData(0.8, 128, 0.5, 0.5, 9, 13, 0.025311863203, 0.033282136012)]
    [InlineData(0.5, 128, 0.5, 0.5, 25, 5, 0.053721591197, 0.033752509449)]
    [InlineData(0.9, 256, 0.5, 0.5, 9, 28, 0.013181044495, 0.017954830868)]
    [InlineData(0.8, 128, 0.2, 0.8, 12, 10, 0.070625231026, 0.009319857335)]
    [InlineData(0.8, 128, 0.05, 0.95, 16, 8, 0.138253567742, 0.001283926277)]
    [InlineData(0.8, 128, 0.1, 0.9, 14, 9, 0.100713901317, 0.003946997448)]
    [InlineData(0.8, 128, 0.02, 0.98, 17, 7, 0.179258890293, 0.000381053763)]
    public void Optimal_bands_and_rows_match_exact_integration(double t, int k, double wfp, double wfn, int b, int r, double fp, double fn)
    {
        var p = LshParameters.Optimal(t, k, wfp, wfn);
        Assert.Equal((b, r), (p.Bands, p.Rows));
        Assert.Equal(fp, p.FalsePositiveArea(t), 9);
        Assert.Equal(fn, p.FalseNegativeArea(t), 9);
    }

    [Fact]
    public void Default_banding_favours_recall_near_the_threshold()
    {
        // Issue 13: datasketch's 0.5 / 0.5 gave 9 × 13, P(candidate | J = 0.8) = 0.40 and F1 0.93 on a planted set.
        var options = new DedupOptions();
        Assert.Equal((0.05, 0.95), (options.FalsePositiveWeight, options.FalseNegativeWeight));
        var p = options.Banding();
        Assert.Equal((16, 8), (p.Bands, p.Rows)); // lsh_golden.py, weights 1/20 and 19/20
        Assert.Equal(1 - Math.Pow(1 - Math.Pow(0.8, 8), 16), p.Probability(0.8), 12);
        Assert.True(p.Probability(0.8) > 0.94, $"P(candidate | 0.8) = {p.Probability(0.8)}");
        // The S-curve table of lsh_golden.py (and of docs/part-05.md, BENCHMARKS.md), to 3 decimals.
        double[] expected = [0.061, 0.126, 0.237, 0.404, 0.613, 0.815, 0.947, 0.994, 1.000, 1.000, 1.000];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], p.Probability(0.5 + 0.05 * i), 3);
    }

    [Fact]
    public void Simpson_areas_equal_the_binomial_closed_form()
    {
        // ∫₀^t 1 − (1 − s^r)^b ds = −Σ_{j=1..b} C(b,j)(−1)^j t^{rj+1}/(rj+1), exact for small b.
        foreach (var (b, r, t) in new[] { (1, 1, 0.5), (2, 3, 0.7), (5, 4, 0.8), (9, 13, 0.8), (16, 8, 0.3) })
        {
            double closed = 0, binom = 1;
            for (int j = 1; j <= b; j++)
            {
                binom = binom * (b - j + 1) / j;
                closed -= binom * Math.Pow(-1, j) * Math.Pow(t, r * j + 1) / (r * j + 1);
            }
            Assert.Equal(closed, new LshParameters(b, r).FalsePositiveArea(t), 10);
        }
    }

    [Fact]
    public void S_curve_values_and_knee()
    {
        var p = new LshParameters(20, 5); // the MMDS book's example: b = 20, r = 5
        Assert.Equal(0.006, p.Probability(0.2), 3);    // MMDS Fig. 3.8's table: 0.006 at s = 0.2, 0.470 at 0.5, 0.975 at 0.7
        Assert.Equal(0.470, p.Probability(0.5), 3);
        Assert.Equal(0.975, p.Probability(0.7), 3);
        Assert.Equal(1 - Math.Pow(1 - Math.Pow(0.8, 5), 20), p.Probability(0.8), 12);
        Assert.Equal(0.99964, p.Probability(0.8), 5);  // MMDS: "only about one in 3000 pairs that are 80% similar will fail"
        Assert.Equal(Math.Pow(1 / 20.0, 1 / 5.0), p.Knee, 12);
        Assert.Equal(0, p.Probability(0));
        Assert.Equal(1, p.Probability(1));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.Optimal(1.0, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.Optimal(0.8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LshParameters.Optimal(0.8, 128, 0, 0));
    }
}
