namespace LlmLab.Agents.Prompts;

/// <summary>A solved example shown to the model before the question, as a user turn and the assistant's answer
/// (few-shot prompting, Brown et al. 2020). Both may use the test's variables. Immutable.</summary>
public sealed record FewShotExample(PromptText User, PromptText Assistant);
