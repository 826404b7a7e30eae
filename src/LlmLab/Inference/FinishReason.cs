namespace LlmLab.Inference;

/// <summary>Why a generation ended (OpenAI's <c>finish_reason</c> values).</summary>
public enum FinishReason
{
    /// <summary>A stop string or stop token was produced.</summary>
    Stop,

    /// <summary><see cref="SamplingParams.MaxTokens"/> tokens were produced, or the model's context is full.</summary>
    Length,

    /// <summary>The caller cancelled the request.</summary>
    Cancelled,
}
