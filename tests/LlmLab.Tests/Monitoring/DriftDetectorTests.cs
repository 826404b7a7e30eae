using LlmLab.Monitoring.Drift;
using LlmLab.Monitoring.Requests;

namespace LlmLab.Tests.Monitoring;

public class DriftDetectorTests
{
    static double[] Normal(int n, double mean, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => mean + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
    }

    static DriftTable Table(int n, params (string Name, double[] Values)[] cols) => new(cols.Select(c => DriftColumn.Numeric(c.Name, c.Values)), n);

    [Fact]
    public void Default_tests_follow_evidentlys_choice_by_size_kind_and_distinct_values()
    {
        var o = new DriftOptions();
        var smallNum = DriftColumn.Numeric("x", Normal(100, 0, 1));
        var bigNum = DriftColumn.Numeric("x", Normal(1001, 0, 2));
        var few = DriftColumn.Numeric("x", Enumerable.Range(0, 100).Select(i => (double)(i % 4)));
        var binary = DriftColumn.Categorical("c", Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? "a" : "b"));
        var cat3 = DriftColumn.Categorical("c", Enumerable.Range(0, 1500).Select(i => (i % 3).ToString()));
        Assert.Equal(DriftMethod.Ks, ColumnDriftTest.DefaultMethod(smallNum, smallNum, o));
        Assert.Equal(DriftMethod.Wasserstein, ColumnDriftTest.DefaultMethod(bigNum, smallNum, o));
        Assert.Equal(DriftMethod.ChiSquare, ColumnDriftTest.DefaultMethod(few, few, o));
        Assert.Equal(DriftMethod.ZTest, ColumnDriftTest.DefaultMethod(binary, binary, o));
        Assert.Equal(DriftMethod.JensenShannon, ColumnDriftTest.DefaultMethod(cat3, cat3, o));
    }

    [Fact]
    public void Dataset_drifts_when_half_the_columns_drift()
    {
        var reference = Table(300, ("a", Normal(300, 0, 1)), ("b", Normal(300, 0, 2)), ("c", Normal(300, 0, 3)), ("d", Normal(300, 0, 4)));
        var oneShifted = Table(300, ("a", Normal(300, 1, 5)), ("b", Normal(300, 0, 6)), ("c", Normal(300, 0, 7)), ("d", Normal(300, 0, 8)));
        var twoShifted = Table(300, ("a", Normal(300, 1, 5)), ("b", Normal(300, 1, 6)), ("c", Normal(300, 0, 7)), ("d", Normal(300, 0, 8)));
        var r1 = DriftDetector.Detect(reference, oneShifted);
        Assert.True(r1.Columns[0].Drifted);
        Assert.False(r1.DatasetDrift);
        var r2 = DriftDetector.Detect(reference, twoShifted);
        Assert.Equal(0.5, r2.DriftedShare);
        Assert.True(r2.DatasetDrift);
        // Bonferroni: each p-value at 0.05 / 4 and any drifted column is dataset drift.
        var b = DriftDetector.Detect(reference, oneShifted, new DriftOptions { Correction = MultipleTesting.Bonferroni });
        Assert.Equal(0.0125, b.Columns[0].Threshold, 12);
        Assert.True(b.DatasetDrift);
    }

    [Fact]
    public void Same_distribution_rarely_drifts_and_a_shift_always_does()
    {
        int falseAlarms = 0;
        for (int s = 0; s < 40; s++)
        {
            var r = DriftDetector.Detect(Table(200, ("x", Normal(200, 0, 100 + s))), Table(200, ("x", Normal(200, 0, 200 + s))));
            if (r.DatasetDrift) falseAlarms++;
        }
        Assert.InRange(falseAlarms, 0, 7); // 5% expected: 2 of 40; P(> 7) under Binomial(40, 0.05) < 0.001
        Assert.True(DriftDetector.Detect(Table(200, ("x", Normal(200, 0, 1))), Table(200, ("x", Normal(200, 0.6, 2)))).DatasetDrift);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_field_named()
    {
        var reference = Table(50, ("a", Normal(50, 0, 1)));
        var other = Table(50, ("b", Normal(50, 0, 1)));
        var e = Assert.Throws<InputException>(() => DriftDetector.Detect(reference, other));
        Assert.Contains("other columns", e.Message);
        Assert.Contains("missing from the current data: a", e.Message);
        Assert.Contains("empty", Assert.Throws<InputException>(() => DriftDetector.Detect(reference, new DriftTable([DriftColumn.Numeric("a", [])], 0))).Message);
        Assert.Contains("[0, 1]", Assert.Throws<InputException>(() => DriftDetector.Detect(reference, reference, new DriftOptions { PValueThreshold = 1.5 })).Message);
        Assert.Contains("[0, 1]", Assert.Throws<InputException>(() => new DriftOptions { DistanceThreshold = -0.1 }.Validate()).Message);
    }

    [Fact]
    public void Psi_bands()
    {
        Assert.Equal(PsiBand.Stable, PopulationStabilityIndex.Band(0.05));
        Assert.Equal(PsiBand.Moderate, PopulationStabilityIndex.Band(0.1));
        Assert.Equal(PsiBand.Significant, PopulationStabilityIndex.Band(0.3));
        Assert.Equal(0, PopulationStabilityIndex.Compute([0.2, 0.8], [0.2, 0.8]));
    }

    [Fact]
    public void Mmd_permutation_test_separates_shifted_embeddings_and_keeps_p_valid()
    {
        float[][] Cloud(int n, float shift, int seed)
        {
            var rng = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, 8).Select(k => (float)(Normal(1, k == 0 ? shift : 0, rng.Next())[0])).ToArray()).ToArray();
        }
        var same = MaximumMeanDiscrepancy.Test(Cloud(60, 0, 1), Cloud(60, 0, 2), permutations: 100, seed: 3);
        var shifted = MaximumMeanDiscrepancy.Test(Cloud(60, 0, 1), Cloud(60, 1.0f, 4), permutations: 100, seed: 3);
        Assert.False(same.Drifted, $"p = {same.PValue}");
        Assert.True(shifted.Drifted, $"p = {shifted.PValue}");
        Assert.Equal(1.0 / 101, shifted.PValue, 12); // no permutation reaches the observed MMD²
        Assert.True(shifted.Mmd2 > same.Mmd2);
    }

    [Fact]
    public void Classifier_test_auc_is_near_half_without_shift_and_high_with_one()
    {
        float[][] Rows(int n, double shift, int seed) => Normal(n, shift, seed).Zip(Normal(n, 0, seed + 1), (a, b) => new[] { (float)a, (float)b }).ToArray();
        var same = ClassifierTwoSampleTest.Test(Rows(400, 0, 1), Rows(400, 0, 10));
        var shifted = ClassifierTwoSampleTest.Test(Rows(400, 0, 1), Rows(400, 1.0, 20));
        Assert.False(same.Drifted, $"AUC {same.Auc}");
        Assert.InRange(same.Auc, 0.42, 0.55);
        Assert.True(shifted.Drifted);
        Assert.InRange(shifted.Auc, 0.68, 0.82); // Φ(1/√2) = 0.760 for two unit normals one σ apart
    }

    [Fact]
    public void Sliding_window_finds_a_known_onset()
    {
        var reference = Table(300, ("x", Normal(300, 0, 1)));
        var stream = Normal(600, 0, 2).Concat(Normal(400, 1.0, 3)).ToArray();
        var d = SlidingWindowDetector.Run(reference, Table(1000, ("x", stream)), onset: 600, window: 100, step: 10);
        Assert.NotNull(d.DetectionDelay);
        Assert.InRange(d.DetectionDelay!.Value, 10, 100);
        Assert.Equal(51, d.CleanWindows); // ends 100, 110, …, 600
        Assert.InRange(d.FalseAlarmRate, 0, 0.2);
    }

    [Fact]
    public void Refusals_are_flagged_from_the_reply_opening()
    {
        Assert.True(RefusalDetector.IsRefusal("I'm sorry, but I can't help with that."));
        Assert.True(RefusalDetector.IsRefusal("  As an AI language model, I cannot do this."));
        Assert.True(RefusalDetector.IsRefusal("I can\u2019t share that."));
        Assert.False(RefusalDetector.IsRefusal("Sure: the capital of France is Paris."));
        Assert.False(RefusalDetector.IsRefusal(""));
    }
}
