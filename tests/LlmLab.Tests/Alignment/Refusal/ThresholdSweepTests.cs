using LlmLab.Alignment.Refusal;

namespace LlmLab.Tests.Alignment.Refusal;

public sealed class ThresholdSweepTests
{
    [Fact]
    public void Auc_equals_the_brute_force_pair_count_with_ties()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 60);
            // scores on a coarse grid so ties happen; both classes present
            double[] s = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 10) / 10).ToArray();
            bool[] y = Enumerable.Range(0, n).Select(i => i == 0 || (i != 1 && rng.NextDouble() < 0.5)).ToArray();
            double pairs = 0, wins = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (y[i] && !y[j]) { pairs++; wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0; }
            Assert.Equal(wins / pairs, ThresholdSweep.Auc(s, y), 12);
        }
    }

    [Fact]
    public void Sweep_counts_against_a_hand_computed_table()
    {
        double[] s = [0.9, 0.8, 0.3, 0.7, 0.2, 0.1];
        bool[] y = [true, true, true, false, false, false];
        var p = ThresholdSweep.Compute(s, y, [0.5, 0.25]);
        Assert.Equal(2 / 3.0, p[0].RefusalRate, 12);   // 0.9, 0.8 of the three unsafe
        Assert.Equal(1 / 3.0, p[0].OverRefusalRate, 12); // 0.7 of the three safe
        Assert.Equal(1.0, p[1].RefusalRate, 12);
        Assert.Equal(1 / 3.0, p[1].OverRefusalRate, 12);
        var c = RefusalConfusion.Of(y, s.Select(v => v >= 0.5).ToArray());
        Assert.Equal(new RefusalConfusion(2, 1, 1, 2), c);
    }
}
