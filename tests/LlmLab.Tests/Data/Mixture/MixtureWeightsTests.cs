using LlmLab.Data.Mixture;

namespace LlmLab.Tests.Data.Mixture;

public sealed class MixtureWeightsTests
{
    [Theory]
    // p_i ∝ n_i^(1/T), worked by hand.
    [InlineData(1.0, new long[] { 100, 900 }, new[] { 0.1, 0.9 })]               // T = 1: proportional to size
    [InlineData(2.0, new long[] { 100, 900 }, new[] { 0.25, 0.75 })]             // √: 10 vs 30
    [InlineData(3.0, new long[] { 1, 8 }, new[] { 1 / 3.0, 2 / 3.0 })]           // ∛: 1 vs 2
    [InlineData(0.5, new long[] { 100, 900 }, new[] { 1 / 82.0, 81 / 82.0 })]    // squared: 10⁴ vs 81·10⁴
    [InlineData(double.PositiveInfinity, new long[] { 5, 1_000_000 }, new[] { 0.5, 0.5 })]
    [InlineData(2.0, new long[] { 0, 400, 100 }, new[] { 0, 20 / 30.0, 10 / 30.0 })] // an empty source gets nothing
    public void Temperature_known_answers(double t, long[] sizes, double[] expected)
    {
        var p = MixtureWeights.Temperature(sizes, t);
        Assert.Equal(expected.Length, p.Length);
        for (int i = 0; i < p.Length; i++) Assert.Equal(expected[i], p[i], 12);
    }

    [Fact]
    public void Temperature_flattens_towards_uniform_and_survives_huge_sizes()
    {
        long[] sizes = [10_000_000_000, 1_000_000, 1_000];
        double[] previous = MixtureWeights.Temperature(sizes, 1);
        foreach (double t in new[] { 2.0, 5.0, 50.0 })
        {
            var p = MixtureWeights.Temperature(sizes, t);
            Assert.True(p[0] < previous[0] && p[2] > previous[2], $"T = {t}: the largest share must shrink, the smallest grow");
            previous = p;
        }
        Assert.All(MixtureWeights.Temperature(sizes, 0.01), v => Assert.True(double.IsFinite(v)));
        Assert.Equal(1.0, MixtureWeights.Temperature(sizes, 0.01)[0], 12);
    }

    [Fact]
    public void Normalise_divides_by_the_sum_and_names_bad_weights()
    {
        Assert.Equal([0.25, 0.75], MixtureWeights.Normalise([2, 6], ["a", "b"]));
        var e = Assert.Throws<InputException>(() => MixtureWeights.Normalise([1, -2], ["web", "code"]));
        Assert.Contains("source 'code'", e.Message);
        e = Assert.Throws<InputException>(() => MixtureWeights.Normalise([0, 0], ["web", "code"]));
        Assert.Contains("sum to 0", e.Message);
        Assert.Throws<InputException>(() => MixtureWeights.Normalise([double.NaN], ["web"]));
        e = Assert.Throws<InputException>(() => MixtureWeights.Temperature([1, 2], 0));
        Assert.Contains("--temperature", e.Message);
    }
}
