namespace LlmLab.Alignment.Refusal;

/// <summary>How much refusal data <see cref="RefusalDataset.Generate"/> draws. Immutable.</summary>
/// <param name="TrainPerCategory">Training prompts per unsafe category and per safe-looking type (equal counts: the
/// classes stay balanced; XSTest's own split is 250 safe / 200 unsafe).</param>
/// <param name="TestPerCategory">Test prompts per category and type, from the held-out last template of each.</param>
/// <param name="OrdinaryPerFamily">Ordinary requests per lab 7.1 task family, labelled safe (so a gate also sees
/// requests that look like nothing dangerous at all).</param>
/// <param name="Seed">Seeds every draw.</param>
public sealed record RefusalDataOptions(int TrainPerCategory = 60, int TestPerCategory = 10, int OrdinaryPerFamily = 20, long Seed = 0)
{
    /// <exception cref="InputException">A count below its minimum, named.</exception>
    public void Validate()
    {
        if (TrainPerCategory < 1) throw new InputException($"train_per_category must be >= 1 (got {TrainPerCategory})");
        if (TestPerCategory < 0) throw new InputException($"test_per_category must be >= 0 (got {TestPerCategory})");
        if (OrdinaryPerFamily < 0) throw new InputException($"ordinary_per_family must be >= 0 (got {OrdinaryPerFamily})");
    }
}
