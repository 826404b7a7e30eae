namespace LlmLab.Inference;

/// <summary>What the engine does with a prompt that leaves no room in the model's context.</summary>
public enum PromptOverflow
{
    /// <summary>Refuse it with a clear error (the default: nothing is silently dropped).</summary>
    Error,

    /// <summary>Keep the prompt's last tokens, leaving room for max_tokens (at least one) new tokens.</summary>
    TruncateLeft,
}
