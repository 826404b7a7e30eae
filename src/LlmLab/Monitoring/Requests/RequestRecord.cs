using System.Text.Json.Serialization;

namespace LlmLab.Monitoring.Requests;

/// <summary>
/// One served request as <c>llmlab serve --capture-requests FILE</c> writes it (one JSON object a line) and
/// <c>llmlab drift reference --from</c> reads it. It holds the prompt and the reply in clear text: capture is opt-in for
/// that reason. Immutable.
/// </summary>
/// <param name="Time">When the request finished (UTC, ISO 8601).</param>
/// <param name="Route">The endpoint, e.g. /v1/chat/completions.</param>
/// <param name="Model">The served model id.</param>
/// <param name="Prompt">The prompt as the model saw it (a chat rendered by its template).</param>
/// <param name="Reply">The first choice's text.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Tokens generated, all choices together.</param>
/// <param name="LatencyMs">Arrival to last token, milliseconds.</param>
/// <param name="TtftMs">Arrival to first token, milliseconds (null when nothing was generated).</param>
/// <param name="FinishReason">stop, length or cancelled.</param>
public sealed record RequestRecord(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("route")] string Route,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("reply")] string Reply,
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
    [property: JsonPropertyName("latency_ms")] double LatencyMs,
    [property: JsonPropertyName("ttft_ms")] double? TtftMs,
    [property: JsonPropertyName("finish_reason")] string FinishReason);
