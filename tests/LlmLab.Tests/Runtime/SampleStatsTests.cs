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
