namespace LlmLab.Monitoring.Caching;

/// <summary>A reply kept in a response cache. Immutable.</summary>
/// <param name="Body">What is served again: the reply's text (the lab) or the whole response body (the server).</param>
/// <param name="Question">The normalised last message it answered (shown when a semantic hit serves it for another).</param>
/// <param name="PromptTokens">Prompt tokens the model read to produce it (what a hit saves).</param>
/// <param name="CompletionTokens">Tokens the model generated for it.</param>
/// <param name="Cost">What producing it cost under the caller's cost model (0 when none).</param>
/// <param name="ExpiresAt">When it stops being served (the TTL from the moment it was stored).</param>
public sealed record CachedResponse(string Body, string Question, int PromptTokens, int CompletionTokens, double Cost, DateTimeOffset ExpiresAt);
