using System.Text.Json;
using LlmLab.Alignment.Refusal;
using LlmLab.Inference;
using LlmLab.Tokenization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlmLab.Server;

/// <summary>
/// Lab 7.3's refusal gate on <c>POST /v1/chat/completions</c> (<c>llmlab serve --refusal-gate</c>): after
/// authentication and rate limiting, it reads the request's messages and asks the <see cref="RefusalGate"/> about the
/// last user turn; a refused request is answered at once with the gate's refusal, in OpenAI's shape (whole or
/// streamed, <c>finish_reason</c> "content_filter", header <c>X-Refusal-Gate: refused</c>) and never reaches the
/// scheduler; every other request — and any body the gate cannot read, which the handler's strict parser then answers
/// — goes on unchanged (the body is buffered and rewound). The same decision as <see cref="RefusalGateChatClient"/>,
/// at the HTTP boundary because the server batches token ids, not <c>IChatClient</c> calls. Thread-safe.
/// </summary>
internal sealed class RefusalGateMiddleware(RefusalGate gate, ServerOptions options, ITokenizer tokenizer)
{
    static readonly JsonSerializerOptions Json =
        new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(ctx.Request.Method) || ctx.Request.Path != "/v1/chat/completions") { await next(ctx); return; }
        ctx.Request.EnableBuffering();
        var body = await CompletionHandler.ReadBodyAsync(ctx);
        ctx.Request.Body.Position = 0;
        var messages = Messages(body);
        if (messages is null) { await next(ctx); return; }
        var decision = await gate.ScreenAsync(messages, ctx.RequestAborted);
        if (!decision.Refused) { await next(ctx); return; }
        ctx.Response.Headers["X-Refusal-Gate"] = "refused";
        int n = body.TryGetProperty("n", out var nv) && nv.ValueKind == JsonValueKind.Number && nv.TryGetInt32(out int ni) && ni >= 1
            ? Math.Min(ni, options.MaxChoices) : 1;
        int prompt = (options.ChatTemplate ?? ChatTemplate.Transcript).Encode(messages, tokenizer, addGenerationPrompt: true).Ids.Length;
        int completion = tokenizer.Encode(gate.RefusalText).Length;
        string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True)
        {
            ctx.Response.ContentType = "text/event-stream";
            ctx.Response.Headers.CacheControl = "no-cache";
            for (int i = 0; i < n; i++)
            {
                await Send(ctx, Chunk(id, created, i, new { role = "assistant", content = "" }, null));
                await Send(ctx, Chunk(id, created, i, new { content = gate.RefusalText }, null));
                await Send(ctx, Chunk(id, created, i, new { }, "content_filter"));
            }
            await ctx.Response.WriteAsync("data: [DONE]\n\n", CancellationToken.None);
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            id, @object = "chat.completion", created, model = options.ModelId,
            choices = Enumerable.Range(0, n).Select(i => new
            {
                index = i, message = new { role = "assistant", content = gate.RefusalText }, logprobs = (object?)null,
                    finish_reason = "content_filter",
            }).ToArray(),
            usage = OpenAiResponses.Usage(prompt, n * completion),
        }, Json), CancellationToken.None);
    }

    object Chunk(string id, long created, int index, object delta, string? finish) => new
    {
        id, @object = "chat.completion.chunk", created, model = options.ModelId,
        choices = new[] { new { index, delta, logprobs = (object?)null, finish_reason = finish } }, usage = (object?)null,
    };

    static async Task Send(HttpContext ctx, object chunk)
    {
        await ctx.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", CancellationToken.None);
        await ctx.Response.Body.FlushAsync(CancellationToken.None);
    }

    /// <summary>The chat's messages as the handler reads them (<see cref="OpenAiMessages.Read"/>), or null when the body
    /// is not a chat request for this model that reads cleanly (the handler then answers it, with its own 400).</summary>
    List<ChatMessage>? Messages(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("messages", out var arr)) return null;
        try
        {
            if (body.TryGetProperty("model", out var m) && (m.ValueKind != JsonValueKind.String || m.GetString() != options.ModelId))
                return null;
            return OpenAiMessages.Read(arr, toolFormat: true);
        }
        catch (Exception e) when (e is ApiError or InvalidOperationException) { return null; } // not valid text: the handler's 400
    }
}
