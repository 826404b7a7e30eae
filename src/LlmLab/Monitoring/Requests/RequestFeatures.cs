using LlmLab.Data.Analysis;
using LlmLab.Monitoring.Drift;

namespace LlmLab.Monitoring.Requests;

/// <summary>
/// The per-request features a drift monitor watches, computed from a request without keeping its text: lengths,
/// tokens, latency, a refusal flag and the prompt's language. Immutable.
/// </summary>
/// <param name="PromptChars">Prompt length in characters.</param>
/// <param name="ReplyChars">Reply length in characters.</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Generated tokens.</param>
/// <param name="LatencyMs">End-to-end latency, milliseconds.</param>
/// <param name="Refusal">Whether the reply refuses (<see cref="RefusalDetector"/>).</param>
/// <param name="Language">The prompt's language (<see cref="LanguageIdentifier"/>; "und" when too short to tell).</param>
public sealed record RequestFeatures(int PromptChars, int ReplyChars, int PromptTokens, int CompletionTokens, double LatencyMs, bool Refusal,
    string Language)
{
    /// <summary>The column names, in table order (snake_case, as in the reference file and the metrics' labels).</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["prompt_chars", "reply_chars", "prompt_tokens", "completion_tokens", "latency_ms", "refusal", "language"];

    /// <summary>The features of a captured request.</summary>
    public static RequestFeatures Of(RequestRecord r) =>
        Of(r.Prompt, r.Reply, r.PromptTokens, r.CompletionTokens, r.LatencyMs);

    /// <summary>The features of a request's texts and figures (the texts are not kept).</summary>
    public static RequestFeatures Of(string prompt, string reply, int promptTokens, int completionTokens, double latencyMs) =>
        new(prompt.Length, reply.Length, promptTokens, completionTokens, latencyMs, RefusalDetector.IsRefusal(reply),
            LanguageIdentifier.Default.Identify(prompt));

    /// <summary>A drift table of many requests' features (the refusal flag as a 0/1 number, the language as a label).</summary>
    public static DriftTable Table(IReadOnlyCollection<RequestFeatures> rows) => new(
    [
        DriftColumn.Numeric("prompt_chars", rows.Select(r => (double)r.PromptChars)),
        DriftColumn.Numeric("reply_chars", rows.Select(r => (double)r.ReplyChars)),
        DriftColumn.Numeric("prompt_tokens", rows.Select(r => (double)r.PromptTokens)),
        DriftColumn.Numeric("completion_tokens", rows.Select(r => (double)r.CompletionTokens)),
        DriftColumn.Numeric("latency_ms", rows.Select(r => r.LatencyMs)),
        DriftColumn.Numeric("refusal", rows.Select(r => r.Refusal ? 1.0 : 0.0)),
        DriftColumn.Categorical("language", rows.Select(r => r.Language)),
    ], rows.Count);
}
