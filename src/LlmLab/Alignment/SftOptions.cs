namespace LlmLab.Alignment;

/// <summary>How <see cref="SftRunner"/> fine-tunes (the keys of <c>llmlab sft --config</c>, snake_case). Immutable.</summary>
/// <param name="Steps">AdamW steps.</param>
/// <param name="Batch">Rows per step.</param>
/// <param name="LearningRate">Constant after warm-up (1e-3 suits full fine-tuning of our small models; LoRA takes 2–3×).</param>
/// <param name="Pack">Pack several conversations per row (per-example positions and mask) rather than pad one per row.</param>
/// <param name="AssistantOnly">Loss on the assistant's tokens only (TRL's default) or on every token.</param>
/// <param name="LoraRank">Null: full fine-tuning; otherwise LoRA of this rank on every block linear, merged at the end.</param>
/// <param name="LoraAlpha">LoRA's α.</param>
/// <param name="Seed">Seeds the batch order.</param>
public sealed record SftOptions(int Steps = 500, int Batch = 16, double LearningRate = 1e-3, bool Pack = true, bool AssistantOnly = true,
    int? LoraRank = null, double LoraAlpha = 16, int Seed = 0)
{
    /// <summary>Refuses values no run can use, naming the field.</summary>
    /// <exception cref="InputException">A field out of range.</exception>
    public void Validate()
    {
        if (Steps < 1) throw new InputException($"steps must be >= 1 (got {Steps})");
        if (Batch < 1) throw new InputException($"batch must be >= 1 (got {Batch})");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new InputException($"learning_rate must be in (0, 1) (got {LearningRate})");
        if (LoraRank is < 1) throw new InputException($"lora_rank must be >= 1 (got {LoraRank})");
    }
}
