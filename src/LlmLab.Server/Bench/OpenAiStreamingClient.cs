using System.Text.Json;

namespace LlmLab.Server.Bench;

/// <summary>
/// Streams <c>POST /v1/completions</c> as vLLM's and our server speak it: <c>stream: true</c> with
/// <c>stream_options.include_usage</c>, so the token count is the server's (a chunk may carry several tokens or none:
/// a partial character or a held stop-string prefix). A chunk with text counts as a token arrival. Thread-safe.
/// </summary>
public sealed class OpenAiStreamingClient(HttpClient http, string model, string? apiKey = null, bool ignoreEos = true) : StreamingClient(http, apiKey)
{
    protected override string Path => "v1/completions";

    protected override string Body(BenchPrompt p) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["model"] = model, ["prompt"] = p.Prompt, ["max_tokens"] = p.MaxTokens, ["temperature"] = 0, ["stream"] = true,
        ["stream_options"] = new { include_usage = true },
        ["ignore_eos"] = ignoreEos, // vLLM's: generate exactly max_tokens, so every server does the same work (ours never stops early without stop strings)
    });

    protected override Event Parse(string data)
    {
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error)) throw new InvalidOperationException("server error event: " + error.GetRawText());
        int? usage = root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u.GetProperty("completion_tokens").GetInt32() : null;
        var choices = root.GetProperty("choices");
        if (choices.GetArrayLength() == 0) return new Event(0, false, usage);
        var c = choices[0];
        string text = c.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
        bool finished = c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String;
        return new Event(text.Length > 0 ? 1 : 0, finished, usage);
    }
}
