namespace LlmLab.Alignment;

/// <summary>One sampled reply of a PPO rollout, as a reward function sees it. Immutable.</summary>
/// <param name="PromptIndex">Which prompt of the trainer's list it answers.</param>
/// <param name="Prompt">The prompt's ids.</param>
/// <param name="Reply">The reply's ids (ending with <c>&lt;|end|&gt;</c> when the model finished it).</param>
/// <param name="Text">The reply's text (without the end marker), as a checker reads it.</param>
public sealed record PpoSample(int PromptIndex, int[] Prompt, int[] Reply, string Text);
