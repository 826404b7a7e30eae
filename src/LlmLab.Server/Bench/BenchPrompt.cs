namespace LlmLab.Server.Bench;

/// <summary>One benchmark request: its prompt and how many tokens to ask for. Immutable.</summary>
public sealed record BenchPrompt(string Prompt, int MaxTokens);
