using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmLab.Monitoring.Caching;
using Microsoft.AspNetCore.Http;

namespace LlmLab.Server;

/// <summary>
/// Answers <c>POST /v1/chat/completions</c> and <c>/v1/completions</c> from the <see cref="ServerResponseCache"/> when it
/// can: (1) the body is read (and rewound for the handler); a streamed request, <c>n</c> &gt; 1, or a body the parser
/// would refuse goes straight on — the handler answers it as without a cache; (2) the key is the API key's id, the model,
/// the messages (or prompt) and every other field as sorted JSON, so one key never gets another's answer and changed
/// parameters never hit; temperature &gt; 0 (OpenAI's default is 1) is not cached unless the server was told to;
/// (3) exact lookup, then semantic; a hit is the stored response with a new id and time, and the header
/// <c>X-LlmLab-Cache: exact|semantic</c>; (4) a miss runs the handler into a buffer and stores a 200 answer. Thread-safe.
/// </summary>
internal sealed class ResponseCacheMiddleware(ServerResponseCache cache, ServerOptions options)
{
    static readonly HashSet<string> NotParameters = ["messages", "prompt", "stream", "stream_options", "user"];

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        string path = ctx.Request.Path.Value ?? "";
        bool chat = path == "/v1/chat/completions";
        if (!HttpMethods.IsPost(ctx.Request.Method) || !(chat || path == "/v1/completions")) { await next(ctx); return; }
        ctx.Request.EnableBuffering();                                                                                   // 1.
        JsonObject? body;
        try { body = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted) as JsonObject; }
        catch (JsonException) { body = null; }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException) { body = null; }
        ctx.Request.Body.Position = 0;
        var prompt = body is null ? null : Prompt(body, chat, ctx.Items[LlmLabServer.KeyItem] as string ?? "");
        if (prompt is null || !cache.Exact.IsCacheable(prompt)) { await next(ctx); return; }
        if (await cache.Exact.GetAsync(prompt, ctx.RequestAborted) is { } exact) { await ServeAsync(ctx, exact, "exact"); return; }      // 3.
        SemanticLookup? look = null;
        if (cache.Semantic is { } semantic)
        {
            look = await semantic.LookupAsync(prompt, ct: ctx.RequestAborted);
            if (look?.Hit is { } similar) { await ServeAsync(ctx, similar, "semantic"); return; }
        }
        cache.CountMiss();
        var original = ctx.Response.Body;                                                                                 // 4.
        using var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        try { await next(ctx); }
        finally { ctx.Response.Body = original; }
        buffer.Position = 0;
        if (ctx.Response.StatusCode == 200 && !ctx.Items.ContainsKey(LlmLabServer.StatusItem))
        {
            string text = Encoding.UTF8.GetString(buffer.ToArray());
            var (pt, ct) = Usage(text);
            await cache.Exact.SetAsync(prompt, text, pt, ct, 0, ctx.RequestAborted);
            if (look is not null) cache.Semantic!.Add(look, text, pt, ct, 0);
        }
        await buffer.CopyToAsync(original, ctx.RequestAborted);
    }

    /// <summary>The cache key of a request, or null when it is not cached (streamed, several choices, or a shape the parser refuses).</summary>
    CachedPrompt? Prompt(JsonObject body, bool chat, string scope)
    {
        if (body["stream"] is JsonValue s && s.TryGetValue<bool>(out bool stream) && stream) return null;
        if (body["n"] is JsonValue n && (!n.TryGetValue<int>(out int choices) || choices != 1)) return null;
        double temperature = 1.0;                                                                                        // OpenAI's default
        if (body["temperature"] is JsonValue t && !t.TryGetValue(out temperature)) return null;
        var messages = new List<(string, string)>();
        if (chat)
        {
            if (body["messages"] is not JsonArray list) return null;
            foreach (var m in list)
            {
                if (m is not JsonObject o || o["role"] is not JsonValue r || !r.TryGetValue<string>(out var role)) return null;
                string? text = o["content"] switch
                {
                    JsonValue v when v.TryGetValue<string>(out var str) => str,
                    JsonArray parts => string.Concat(parts.Select(p => p?["text"] is JsonValue pv && pv.TryGetValue<string>(out var ps) ? ps : "")),
                    null => "",
                    _ => null,
                };
                if (text is null) return null;
                messages.Add((role, text));
            }
        }
        else if (body["prompt"] is JsonValue p && p.TryGetValue<string>(out var promptText)) messages.Add(("user", promptText));
        else return null;
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in body)
            if (!NotParameters.Contains(k)) parameters[k] = v?.ToJsonString() ?? "null";
        return new CachedPrompt(scope, options.ModelId, messages, JsonSerializer.Serialize(parameters), temperature);
    }

    async Task ServeAsync(HttpContext ctx, CachedResponse entry, string kind)
    {
        cache.CountHit(kind);
        string body = entry.Body;
        if (JsonNode.Parse(body) is JsonObject o)
        {
            // A new id and time: a cached answer is a new response to the client (OpenAI's ids are unique per response).
            o["id"] = (o["object"]?.GetValue<string>() == "chat.completion" ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
            o["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            body = o.ToJsonString();
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["X-LlmLab-Cache"] = kind;
        await ctx.Response.WriteAsync(body, ctx.RequestAborted);
    }

    static (int Prompt, int Completion) Usage(string body)
    {
        try
        {
            var u = JsonNode.Parse(body)?["usage"];
            return (u?["prompt_tokens"]?.GetValue<int>() ?? 0, u?["completion_tokens"]?.GetValue<int>() ?? 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return (0, 0); }
    }
}
