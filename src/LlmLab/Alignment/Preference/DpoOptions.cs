namespace LlmLab.Alignment;

/// <summary>How <see cref="DpoTrainer"/> trains (the keys of <c>llmlab dpo --config</c>, snake_case). Immutable.</summary>
/// <param name="Steps">AdamW steps.</param>
/// <param name="Batch">Pairs per step (each is two sequences).</param>
/// <param name="LearningRate">Constant. TRL's 1e-6 is for billion-parameter models; our sub-million-parameter chat
/// models move at 1e-4 in a few hundred steps.</param>
/// <param name="Beta">β, the strength of the pull toward the reference (TRL's and the paper's default 0.1).</param>
/// <param name="Loss">sigmoid (DPO) or ipo.</param>
/// <param name="Seed">Seeds the pair order.</param>
public sealed record DpoOptions(int Steps = 200, int Batch = 8, double LearningRate = 1e-4, double Beta = 0.1,
    DpoLossKind Loss = DpoLossKind.Sigmoid, int Seed = 0)
{
    /// <summary>Refuses values no run can use, naming the key.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        if (Steps < 1) throw new InputException($"steps must be >= 1 (got {Steps})");
        if (Batch < 1) throw new InputException($"batch must be >= 1 (got {Batch})");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new InputException($"learning_rate must be in (0, 1) (got {LearningRate})");
        if (!(Beta > 0 && Beta <= 100)) throw new InputException($"beta must be in (0, 100] (got {Beta})");
        if (!Enum.IsDefined(Loss)) throw new InputException("loss must be sigmoid or ipo");
    }
}
