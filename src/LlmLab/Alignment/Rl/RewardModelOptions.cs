namespace LlmLab.Alignment;

/// <summary>How <see cref="RewardModelTrainer"/> trains (the keys of <c>llmlab rm --config</c>, snake_case). Immutable.</summary>
/// <param name="Steps">AdamW steps.</param>
/// <param name="Batch">Pairs per step.</param>
/// <param name="LearningRate">Constant (our small models: 3e-4; the head starts near zero).</param>
/// <param name="Seed">Seeds the pair order and the head's initialisation.</param>
public sealed record RewardModelOptions(int Steps = 200, int Batch = 8, double LearningRate = 3e-4, int Seed = 0)
{
    /// <summary>Refuses values no run can use, naming the key.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        if (Steps < 1) throw new InputException($"steps must be >= 1 (got {Steps})");
        if (Batch < 1) throw new InputException($"batch must be >= 1 (got {Batch})");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new InputException($"learning_rate must be in (0, 1) (got {LearningRate})");
    }
}
