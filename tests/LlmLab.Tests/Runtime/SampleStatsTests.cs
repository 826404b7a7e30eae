using LlmLab.Runtime;

namespace LlmLab.Tests.Runtime;

public sealed class SampleStatsTests
{
    [Fact]
    public void Median_is_the_middle_value_or_the_mean_of_the_two_middle_ones()
    {
        Assert.Equal(3, SampleStats.Median([5, 1, 3]));
        Assert.Equal(2.5, SampleStats.Median([4, 1, 3, 2]));
        Assert.Equal((1, 2.5), SampleStats.MinMedian([4, 1, 3, 2]));
        Assert.Throws<ArgumentException>(() => SampleStats.Median([]));
    }

    [Fact]
    public void Timed_median_skips_the_warm_up_calls()
    {
        int calls = 0;
        double ms = SampleStats.MedianMilliseconds(3, () => calls++, warmup: 2);
        Assert.Equal(5, calls);
        Assert.True(ms >= 0);
    }
}

public sealed class CategoricalTests
{
    [Fact]
    public void Inverse_cdf_draws_follow_the_cumulative_weights_and_never_a_zero_one()
    {
        double[] w = [0.2, 0, 0.5, 0.3];
        Assert.Equal(0, LlmLab.Runtime.Categorical.Draw(w, 0.0));
        Assert.Equal(0, LlmLab.Runtime.Categorical.Draw(w, 0.19));
        Assert.Equal(2, LlmLab.Runtime.Categorical.Draw(w, 0.2));
        Assert.Equal(3, LlmLab.Runtime.Categorical.Draw(w, 0.7));
        Assert.Equal(3, LlmLab.Runtime.Categorical.Draw(w, 0.999999999));
        Assert.Equal(2, LlmLab.Runtime.Categorical.Draw([0, 2, 6, 0], 0.5)); // unnormalised: 0.5·8 = 4 falls in [2, 8)
        Assert.Throws<ArgumentException>(() => LlmLab.Runtime.Categorical.Draw([0, 0], 0.5));
    }
}
