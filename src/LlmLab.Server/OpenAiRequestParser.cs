using System.Text.Json;
using LlmLab.Inference;
using Microsoft.Extensions.AI;

namespace LlmLab.Server;

/// <summary>
/// Reads an OpenAI request body into an <see cref="OpenAiRequest"/>, checking each field's type and range against the
/// OpenAI API reference and the server's bounds; a bad field is a 400 <see cref="ApiError"/> naming it (its
/// <c>param</c>), an unknown model a 404. Fields we do not implement are refused when set to a non-default value, never
/// silently ignored. Stateless and thread-safe.
/// </summary>
public static class OpenAiRequestParser
{
    /// <exception cref="ApiError">A field of the wrong type or out of range, or an unknown model.</exception>
    public static OpenAiRequest Parse(JsonElement body, bool chat, ServerOptions o, GenerationEngine engine)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ApiError(400, "the request body must be a JSON object");
        if (Get(body, "model") is { } model)
        {
            if (model.ValueKind != JsonValueKind.String) throw ApiError.BadField("model", "model must be a string");
            if (model.GetString() != o.ModelId)
                throw new ApiError(404, $"The model '{model.GetString()}' does not exist; this server serves '{o.ModelId}' (GET /v1/models)", param: "model", code: "model_not_found");
        }
        var template = o.ChatTemplate ?? ChatTemplate.Transcript;
        IReadOnlyList<int>? ids = null;
        // A chat is encoded by its template, content with special tokens off (a user's "<|end|>" stays text).
        if (chat) ids = template.Encode(Messages(body), engine.Tokenizer, addGenerationPrompt: true).Ids;
        string text = chat ? "" : PromptText(body, engine, out ids);
        IReadOnlyList<int> prompt = ids ?? engine.Tokenizer.Encode(text);
        string promptField = chat ? "messages" : "prompt";
        int promptLimit = Math.Min(o.MaxPromptTokens ?? int.MaxValue, engine.Context - 1);
        if (prompt.Count == 0) throw ApiError.BadField(promptField, $"{promptField} is empty: give at least one token of text");
        if (prompt.Count > promptLimit)
            throw ApiError.BadField(promptField, $"{promptField} has {prompt.Count:N0} tokens; this server accepts at most {promptLimit:N0} (the model's context is {engine.Context:N0})");

        int defaultMax = chat ? Math.Max(1, Math.Min(o.MaxTokensLimit, engine.Context - prompt.Count)) : o.DefaultMaxTokens;
        int maxTokens = Int(body, chat && Get(body, "max_completion_tokens") is not null ? "max_completion_tokens" : "max_tokens", defaultMax, 1, o.MaxTokensLimit);
        double temperature = Number(body, "temperature", 1.0, 0, 2);
        double topP = Number(body, "top_p", 1.0, double.Epsilon, 1);
        int topK = Int(body, "top_k", -1, -1, 1_000_000); // vLLM's extension; -1 = off
        if (topK == 0) throw ApiError.BadField("top_k", "top_k must be >= 1, or -1 for no cut");
        double repetition = Number(body, "repetition_penalty", 1.0, 0.01, 10); // vLLM's extension
        foreach (var name in (string[])["presence_penalty", "frequency_penalty"])
            if (Number(body, name, 0, -2, 2) != 0) throw ApiError.BadField(name, $"{name} is not supported by this server; use repetition_penalty (vLLM's) or leave it at 0");
        int n = Int(body, "n", 1, 1, o.MaxChoices);
        int? seed = Get(body, "seed") is { } s ? (s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long sv) ? unchecked((int)sv) : throw ApiError.BadField("seed", "seed must be an integer")) : null;
        bool stream = Bool(body, "stream", false);
        bool includeUsage = false;
        if (Get(body, "stream_options") is { } so)
        {
            if (!stream) throw ApiError.BadField("stream_options", "stream_options is only allowed when stream is true");
            if (so.ValueKind != JsonValueKind.Object) throw ApiError.BadField("stream_options", "stream_options must be an object");
            includeUsage = Bool(so, "include_usage", false, "stream_options.include_usage");
        }
        bool logprobs;
        int top;
        if (chat)
        {
            logprobs = Bool(body, "logprobs", false);
            top = Int(body, "top_logprobs", 0, 0, 20);
            if (top > 0 && !logprobs) throw ApiError.BadField("top_logprobs", "top_logprobs needs logprobs: true");
        }
        else
        {
            top = Int(body, "logprobs", -1, 0, 5); // legacy completions: an integer, the alternatives per token
            logprobs = top >= 0;
            top = Math.Max(0, top);
        }
        var stops = Stops(body);
        var p = new SamplingParams(Temperature: temperature, TopK: topK > 0 ? topK : null, TopP: topP, RepetitionPenalty: repetition,
            MaxTokens: maxTokens, Stop: chat ? [.. template.Stops, .. stops] : stops,
            StopTokens: chat && template.UsesSpecialTokens ? template.StopTokenIds(engine.Tokenizer) : null, Seed: seed, Logprobs: logprobs, TopLogprobs: top);
        return new OpenAiRequest(chat, prompt, p, n, stream, includeUsage, top);
    }

    static JsonElement? Get(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    static List<ChatMessage> Messages(JsonElement body)
    {
        if (Get(body, "messages") is not { ValueKind: JsonValueKind.Array } messages || messages.GetArrayLength() == 0)
            throw ApiError.BadField("messages", "messages must be a non-empty array of {role, content}");
        var list = new List<ChatMessage>();
        int i = 0;
        foreach (var m in messages.EnumerateArray())
        {
            string where = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw ApiError.BadField(where, $"{where} must be an object with role and content");
            string role = Get(m, "role") is { ValueKind: JsonValueKind.String } r ? r.GetString()! : throw ApiError.BadField($"{where}.role", $"{where}.role must be a string");
            var chatRole = role switch
            {
                "system" or "developer" => ChatRole.System,
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                _ => throw ApiError.BadField($"{where}.role", $"{where}.role '{role}' is not supported: use system, developer, user or assistant (tools come with Part 8)"),
            };
            list.Add(new ChatMessage(chatRole, Content(m, where)));
        }
        return list;
    }

    static string Content(JsonElement m, string where)
    {
        var c = Get(m, "content");
        if (c is null) return "";
        if (c.Value.ValueKind == JsonValueKind.String) return c.Value.GetString()!;
        if (c.Value.ValueKind != JsonValueKind.Array) throw ApiError.BadField($"{where}.content", $"{where}.content must be a string or an array of text parts");
        var parts = new List<string>();
        foreach (var part in c.Value.EnumerateArray())
        {
            if (Get(part, "type")?.GetString() != "text" || Get(part, "text") is not { ValueKind: JsonValueKind.String } t)
                throw ApiError.BadField($"{where}.content", $"{where}.content: only text parts ({{\"type\": \"text\", \"text\": ...}}) are supported");
            parts.Add(t.GetString()!);
        }
        return string.Concat(parts);
    }

    static string PromptText(JsonElement body, GenerationEngine engine, out IReadOnlyList<int>? ids)
    {
        ids = null;
        var p = Get(body, "prompt") ?? throw ApiError.BadField("prompt", "prompt is required: a string (or an array of token ids)");
        if (p.ValueKind == JsonValueKind.String) return p.GetString()!;
        if (p.ValueKind == JsonValueKind.Array)
        {
            var items = p.EnumerateArray().ToList();
            if (items.Count == 1 && items[0].ValueKind == JsonValueKind.String) return items[0].GetString()!;
            if (items.Count > 0 && items.All(x => x.ValueKind == JsonValueKind.Number))
            {
                var list = new List<int>();
                foreach (var x in items)
                    list.Add(x.TryGetInt32(out int id) && id >= 0 && id < engine.Tokenizer.VocabSize ? id
                        : throw ApiError.BadField("prompt", $"prompt token ids must be integers in 0..{engine.Tokenizer.VocabSize - 1}"));
                ids = list;
                return "";
            }
        }
        throw ApiError.BadField("prompt", "prompt must be a string, a one-string array, or an array of token ids (one prompt per request: send several requests)");
    }

    static List<string> Stops(JsonElement body)
    {
        var s = Get(body, "stop");
        if (s is null) return [];
        var list = s.Value.ValueKind == JsonValueKind.String ? [s.Value.GetString()!]
            : s.Value.ValueKind == JsonValueKind.Array && s.Value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
                ? s.Value.EnumerateArray().Select(x => x.GetString()!).ToList()
                : throw ApiError.BadField("stop", "stop must be a string or an array of strings");
        if (list.Count > 4) throw ApiError.BadField("stop", $"stop takes up to 4 sequences (got {list.Count})");
        if (list.Any(x => x.Length == 0)) throw ApiError.BadField("stop", "stop sequences must be non-empty");
        return list;
    }

    static int Int(JsonElement body, string name, int fallback, int min, int max)
    {
        if (Get(body, name) is not { } v) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int x)) throw ApiError.BadField(name, $"{name} must be an integer");
        if (x < min || x > max) throw ApiError.BadField(name, $"{name} must be in {min}..{max} (got {x})");
        return x;
    }

    static double Number(JsonElement body, string name, double fallback, double min, double max)
    {
        if (Get(body, name) is not { } v) return fallback;
        if (v.ValueKind != JsonValueKind.Number) throw ApiError.BadField(name, $"{name} must be a number");
        double x = v.GetDouble();
        if (!(x >= min && x <= max)) throw ApiError.BadField(name, $"{name} must be in [{(min == double.Epsilon ? 0 : min)}, {max}] (got {x})");
        return x;
    }

    static bool Bool(JsonElement body, string name, bool fallback, string? param = null)
    {
        if (Get(body, name) is not { } v) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiError.BadField(param ?? name, $"{param ?? name} must be true or false"),
        };
    }
}
