using LlmLab.Monitoring.Statistics;
using LlmLab.Runtime;

namespace LlmLab.Monitoring.Drift;

/// <summary>A classifier two-sample test's outcome: the held-out ROC AUC and the verdict.</summary>
public sealed record ClassifierTestResult(double Auc, double Threshold, int TrainRows, int TestRows, bool Drifted);

/// <summary>
/// The classifier two-sample test (Lopez-Paz and Oquab 2017, "Revisiting Classifier Two-Sample Tests"; Evidently's
/// "domain classifier" for text): label reference rows 0 and current rows 1, train a classifier on half of each, and
/// score the other half. If the samples come from one distribution no classifier beats chance (AUC ≈ 0.5); drift when
/// the held-out ROC AUC exceeds the threshold (Evidently's default 0.55). Pure given the seed; thread-safe.
/// </summary>
public static class ClassifierTwoSampleTest
{
    /// <summary>Evidently's default AUC threshold for the domain classifier.</summary>
    public const double DefaultThreshold = 0.55;

    /// <summary>Runs the test with a <see cref="LogisticRegression"/> on the vectors (features or embeddings).</summary>
    public static ClassifierTestResult Test(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> current, int seed = 0,
        double threshold = DefaultThreshold)
    {
        if (reference.Count < 4 || current.Count < 4) throw new ArgumentException("the classifier test needs at least 4 rows on each side");
        if (!(threshold >= 0 && threshold <= 1)) throw new InputException($"the AUC threshold must be in [0, 1] (got {threshold})");
        var rng = Seeding.Stream(seed, "classifier-two-sample");
        var (rTrain, rTest) = Split(reference, rng);
        var (cTrain, cTest) = Split(current, rng);
        var model = LogisticRegression.Fit(rTrain.Concat(cTrain).ToArray(), rTrain.Select(_ => 0).Concat(cTrain.Select(_ => 1)).ToArray());
        double auc = RocAuc.Compute(cTest.Select(model.Predict).ToArray(), rTest.Select(model.Predict).ToArray());
        return new ClassifierTestResult(auc, threshold, rTrain.Length + cTrain.Length, rTest.Length + cTest.Length, auc > threshold);
    }

    // A seeded half/half split of each side (stratified by construction: each label is split on its own).
    static (float[][] Train, float[][] Test) Split(IReadOnlyList<float[]> rows, Random rng)
    {
        var shuffled = rows.ToArray();
        rng.Shuffle(shuffled);
        int half = shuffled.Length / 2;
        return (shuffled[..half], shuffled[half..]);
    }
}
