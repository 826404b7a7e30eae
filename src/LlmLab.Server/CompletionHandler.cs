using System.Text.Json;
using System.Threading.Channels;
using LlmLab.Inference;
using LlmLab.Inference.Serving;
using Microsoft.AspNetCore.Http;

namespace LlmLab.Server;

/// <summary>
/// Runs <c>/v1/completions</c> and <c>/v1/chat/completions</c>: (1) read and validate the body, (2) submit one
/// scheduler request per choice (choice i seeded with seed + i), all cancelled together when the client disconnects or
/// the request times out, (3) answer the whole response, or stream server-sent events (one <c>data:</c> line per chunk,
/// an optional usage chunk, then <c>data: [DONE]</c>), and (4) record each sequence's metrics. Thread-safe.
/// </summary>
public sealed class CompletionHandler(BatchScheduler scheduler, ServerMetrics metrics, ServerOptions options)
{
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    readonly RequestObserver? _observer = RequestObserver.For(options, scheduler.Engine.Tokenizer);

    GenerationEngine Engine => scheduler.Engine;

    /// <exception cref="ApiError">Bad input (400/404/413), overload (503) or timeout before the first byte (504).</exception>
    public async Task HandleAsync(HttpContext ctx, bool chat)
    {
        var req = OpenAiRequestParser.Parse(await ReadBodyAsync(ctx), chat, options, Engine);      // 1.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        cts.CancelAfter(options.RequestTimeout);
        var runs = new List<ServingRequest>();
        try
        {
            for (int i = 0; i < req.N; i++)                                                          // 2.
                runs.Add(scheduler.Submit(req.Prompt, req.Params with { Seed = req.Params.Seed is { } s ? unchecked(s + i) : null }, cts.Token));
        }
        catch (Exception e) when (e is InputException or SchedulerOverloadedException)
        {
            await cts.CancelAsync();
            foreach (var r in runs) metrics.Record(await Drain(r));
            throw e is InputException
                ? new ApiError(400, e.Message, param: chat ? "messages" : "prompt")
                : new ApiError(503, e.Message, type: "server_error", code: "overloaded");
        }
        string id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var reply = new System.Text.StringBuilder(); // choice 0's text, for the opt-in capture and the drift monitor
        try
        {
            if (req.Stream) await StreamAsync(ctx, req, runs, id, created, _observer is null ? null : reply);              // 3.
            else
            {
                var results = await Task.WhenAll(runs.Select(r => r.CompleteAsync(CancellationToken.None)));
                ThrowIfTimedOut(ctx, cts);
                reply.Append(results[0].Text);
                await WriteJsonAsync(ctx.Response, OpenAiResponses.Whole(req, id, created, options.ModelId, results, Engine.Tokenizer));
            }
        }
        finally
        {
            await cts.CancelAsync();
            foreach (var r in runs) metrics.Record(await Drain(r));                                  // 4.
            _observer?.Observe(ctx.Request.Path.Value ?? "", runs, chat ? reply.ToString().TrimStart() : reply.ToString());
        }
    }

    async Task StreamAsync(HttpContext ctx, OpenAiRequest req, List<ServingRequest> runs, string id, long created, System.Text.StringBuilder? reply)
    {
        var res = ctx.Response;
        res.ContentType = "text/event-stream";
        res.Headers.CacheControl = "no-cache";
        res.Headers["X-Accel-Buffering"] = "no"; // proxies (nginx) must not buffer the events
        var merged = Channel.CreateUnbounded<(int Index, GenerationChunk Chunk)>();
        var readers = runs.Select(async (r, i) =>
        {
            await foreach (var c in r.ReadAllAsync(CancellationToken.None)) await merged.Writer.WriteAsync((i, c));
        }).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        string model = options.ModelId;
        var tok = Engine.Tokenizer;
        if (req.Chat)
            for (int i = 0; i < runs.Count; i++) await SendAsync(res, OpenAiResponses.Chunk(req, id, created, model, i, null, [], null, tok, role: true));
        var started = new bool[runs.Count];
        try
        {
            await foreach (var (i, c) in merged.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (c.Finish == FinishReason.Cancelled)
                {
                    if (ctx.RequestAborted.IsCancellationRequested) return;                    // nobody is listening
                    await SendAsync(res, new ApiError(504, $"the request ran past the server's timeout of {options.RequestTimeout.TotalSeconds:0} s", "timeout_error", code: "timeout").Body);
                    await res.WriteAsync("data: [DONE]\n\n");
                    return;
                }
                string text = req.Chat && !started[i] ? c.Text.TrimStart() : c.Text;          // the template leaves a space after "Assistant:"
                started[i] |= text.Length > 0;
                if (i == 0) reply?.Append(text);
                var lps = c.Logprob is { } lp ? new[] { lp } : [];
                if (req.Chat)
                {
                    if (text.Length > 0 || lps.Length > 0)
                        await SendAsync(res, OpenAiResponses.Chunk(req, id, created, model, i, text.Length > 0 ? text : null, lps, null, tok));
                    if (c.Finish is { } f) await SendAsync(res, OpenAiResponses.Chunk(req, id, created, model, i, null, [], f, tok));
                }
                else if (text.Length > 0 || lps.Length > 0 || c.Finish is not null)
                    await SendAsync(res, OpenAiResponses.Chunk(req, id, created, model, i, text, lps, c.Finish, tok));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await SendAsync(res, new ApiError(500, "the model failed on this request: " + e.Message, "server_error").Body);
        }
        if (req.IncludeUsage) await SendAsync(res, OpenAiResponses.UsageChunk(req, id, created, model, runs.Sum(r => r.OutputTokens)));
        await res.WriteAsync("data: [DONE]\n\n", CancellationToken.None);
        await res.Body.FlushAsync(CancellationToken.None);
    }

    static async Task SendAsync(HttpResponse res, object chunk)
    {
        await res.WriteAsync("data: " + JsonSerializer.Serialize(chunk, Json) + "\n\n", CancellationToken.None);
        await res.Body.FlushAsync(CancellationToken.None);
    }

    static Task WriteJsonAsync(HttpResponse res, object body)
    {
        res.ContentType = "application/json";
        return res.WriteAsync(JsonSerializer.Serialize(body, Json), CancellationToken.None);
    }

    void ThrowIfTimedOut(HttpContext ctx, CancellationTokenSource cts)
    {
        if (cts.IsCancellationRequested && !ctx.RequestAborted.IsCancellationRequested)
            throw new ApiError(504, $"the request ran past the server's timeout of {options.RequestTimeout.TotalSeconds:0} s", "timeout_error", code: "timeout");
    }

    /// <summary>Waits for a request's end (its chunks are dropped) so its metrics are complete.</summary>
    static async Task<ServingRequest> Drain(ServingRequest r)
    {
        try { await foreach (var _ in r.ReadAllAsync(CancellationToken.None)) { } }
        catch (Exception) { } // the model's failure was reported to the client already
        return r;
    }

    /// <summary>The body as JSON: 413 past the size limit, 400 when it does not parse.</summary>
    internal static async Task<JsonElement> ReadBodyAsync(HttpContext ctx)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, default, ctx.RequestAborted);
            return doc.RootElement.Clone();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ApiError(413, "the request body is larger than this server accepts: shorten the prompt", code: "request_too_large");
        }
        catch (JsonException e)
        {
            throw new ApiError(400, $"the request body is not valid JSON: {e.Message}");
        }
    }
}
