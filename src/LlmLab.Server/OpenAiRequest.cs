using LlmLab.Inference;

namespace LlmLab.Server;

/// <summary>A validated <c>/v1/completions</c> or <c>/v1/chat/completions</c> request, as the server runs it. Immutable.</summary>
/// <param name="Chat">A chat request (messages) rather than a text completion (prompt).</param>
/// <param name="Prompt">The prompt's token ids (a chat rendered by the template first).</param>
/// <param name="Params">Sampling and stopping, the seed of choice 0 (choice i adds i).</param>
/// <param name="N">Choices to generate.</param>
/// <param name="Stream">Answer as server-sent events.</param>
/// <param name="IncludeUsage">Streaming: send a last chunk with the token usage (<c>stream_options.include_usage</c>).</param>
/// <param name="TopLogprobs">Alternatives per token when log-probabilities are asked for.</param>
/// <param name="Echo">Completions with <c>echo</c>: the prompt's text, put before each choice's text; else null.</param>
/// <param name="Tools">Chat with <c>tools</c>: the tools and how calls are chosen; else null.</param>
public sealed record OpenAiRequest(bool Chat, IReadOnlyList<int> Prompt, SamplingParams Params, int N, bool Stream, bool IncludeUsage, int TopLogprobs,
    string? Echo = null, ToolRequest? Tools = null);
