namespace LlmLab.Alignment;

/// <summary>How a synthetic SFT dataset is made (<see cref="SyntheticDataset.Generate"/>). Immutable.</summary>
/// <param name="TrainPerFamily">Training conversations per family (after decontamination).</param>
/// <param name="TestPerFamily">Test conversations per family.</param>
/// <param name="TestTemplates">The last this-many templates of each family are the test set's only; the others the
/// training set's only (the split is by template: the test measures unseen phrasings, not memorised ones).</param>
/// <param name="Difficulty">1–3: the families' value ranges.</param>
/// <param name="Seed">Seeds every draw (each family has its own stream, so adding a family shifts no other).</param>
/// <param name="NearDuplicateThreshold">Jaccard similarity from which a training example is too close to a test one.</param>
public sealed record SyntheticDataOptions(int TrainPerFamily = 500, int TestPerFamily = 50, int TestTemplates = 2, int Difficulty = 1,
    int Seed = 0, double NearDuplicateThreshold = 0.8)
{
    /// <summary>Refuses values that cannot make a dataset, naming the field.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        if (TrainPerFamily < 0) throw new InputException($"train_per_family must be >= 0 (got {TrainPerFamily})");
        if (TestPerFamily < 0) throw new InputException($"test_per_family must be >= 0 (got {TestPerFamily})");
        if (TestTemplates < 1) throw new InputException($"test_templates must be >= 1 (got {TestTemplates}): the split is by template");
        if (Difficulty is < 1 or > 3) throw new InputException($"difficulty must be 1, 2 or 3 (got {Difficulty})");
        if (!(NearDuplicateThreshold > 0 && NearDuplicateThreshold <= 1))
            throw new InputException($"near_duplicate_threshold must be in (0, 1] (got {NearDuplicateThreshold})");
    }
}
