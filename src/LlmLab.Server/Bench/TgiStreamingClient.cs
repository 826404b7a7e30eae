using System.Text.Json;

namespace LlmLab.Server.Bench;

/// <summary>
/// Streams Hugging Face text-generation-inference's <c>POST /generate_stream</c> (TGI's API reference): the body
/// <c>{"inputs", "parameters": {"max_new_tokens", …}}</c>; each event is
/// <c>{"token": {"id", "text", "logprob", "special"}, "generated_text": null, "details": null}</c>, and the last one
/// carries <c>generated_text</c> and <c>details.generated_tokens</c>. One event = one token. Thread-safe.
/// </summary>
public sealed class TgiStreamingClient(HttpClient http, string? apiKey = null) : StreamingClient(http, apiKey)
{
    protected override string Path => "generate_stream";

    protected override string Body(BenchPrompt p) => JsonSerializer.Serialize(new
    {
        inputs = p.Prompt,
        parameters = new { max_new_tokens = p.MaxTokens, do_sample = false, details = true },
    });

    protected override Event Parse(string data)
    {
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            throw new InvalidOperationException("server error event: " + error.GetString());
        bool special = root.TryGetProperty("token", out var tok) && tok.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
        bool last = root.TryGetProperty("generated_text", out var g) && g.ValueKind == JsonValueKind.String;
        int? generated = last && root.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("generated_tokens", out var n) ? n.GetInt32() : null;
        return new Event(tok.ValueKind == JsonValueKind.Object && !special ? 1 : 0, last, generated);
    }
}
