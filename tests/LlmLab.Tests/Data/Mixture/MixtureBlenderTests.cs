using LlmLab.Data.Mixture;

namespace LlmLab.Tests.Data.Mixture;

public sealed class MixtureBlenderTests
{
    [Fact]
    public void Unit_pieces_follow_the_largest_deficit_rule()
    {
        // Worked by hand for p = (0.5, 0.3, 0.2): deficits p_i·max(N,1) − taken_i, ties to the lower index.
        var blender = new MixtureBlender([0.5, 0.3, 0.2]);
        var order = new List<int>();
        for (int n = 0; n < 10; n++)
        {
            int k = blender.Choose();
            order.Add(k);
            blender.Add(k, 1);
        }
        Assert.Equal([0, 1, 2, 0, 1, 0, 2, 0, 1, 0], order);
        Assert.Equal([5L, 3L, 2L], blender.Taken);
    }

    [Fact]
    public void Realised_proportions_stay_within_two_pieces_of_the_targets_at_every_point()
    {
        double[] p = [0.6, 0.25, 0.1, 0.05, 0];
        var blender = new MixtureBlender(p);
        var rng = new Random(3);
        const int maxPiece = 200;
        while (blender.Total < 400_000)
        {
            int k = blender.Choose();
            Assert.NotEqual(4, k); // a zero share is never drawn
            blender.Add(k, 1 + rng.Next(maxPiece));
            for (int i = 0; i < p.Length; i++)
                Assert.True(Math.Abs(blender.Taken[i] - p[i] * blender.Total) < 2 * maxPiece,
                    $"source {i} off by {blender.Taken[i] - p[i] * blender.Total:F0} tokens at {blender.Total}");
        }
        var realised = blender.Realised();
        for (int i = 0; i < p.Length; i++) Assert.InRange(realised[i], p[i] - 0.0005, p[i] + 0.0005);
    }

    [Fact]
    public void Proportions_must_sum_to_one()
    {
        Assert.Throws<ArgumentException>(() => new MixtureBlender([0.5, 0.4]));
        Assert.Throws<ArgumentException>(() => new MixtureBlender([1.5, -0.5]));
    }
}
