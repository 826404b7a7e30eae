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
/// an optional usage chunk, then <c>data: [DONE]</c>), and (4) record each sequence's metrics and the request's real
/// outcome. Nothing is written before the first generated chunk, so a request refused while it waited (a drain) still
/// gets a real 503; a stream that cannot finish (timeout, shutdown, model failure) ends with an error event and no
/// <c>[DONE]</c>; a client that left is recorded as 499. Thread-safe.
/// </summary>
public sealed class CompletionHandler(BatchScheduler scheduler, ServerMetrics metrics, ServerOptions options, Func<bool> draining)
{
    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never };

    readonly RequestObserver? _observer = RequestObserver.For(options, scheduler.Engine.Tokenizer);

    GenerationEngine Engine => scheduler.Engine;

    /// <exception cref="ApiError">Bad input (400/404/413), overload or shutdown (503), timeout before the first byte (504).</exception>
    public async Task HandleAsync(HttpContext ctx, bool chat)
    {
        var req = OpenAiRequestParser.Parse(await ReadBodyAsync(ctx), chat, options, Engine);      // 1.
        if (draining()) throw ApiError.Unavailable("the server is shutting down: retry on another replica", "shutting_down");
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
            throw e is InputException ? new ApiError(400, e.Message,
                param: chat ? "messages" : "prompt") : ApiError.Unavailable(e.Message, "overloaded");
        }
        string id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var reply = new System.Text.StringBuilder(); // choice 0's text, for the opt-in capture and the drift monitor
        try
        {
            if (req.Stream) await StreamAsync(ctx, req, runs, id, created, _observer is null ? null : reply);              // 3.
            else await WholeAsync(ctx, req, runs, cts, id, created, reply);
        }
        catch (Exception e) when (Unwrap(e) is SchedulerOverloadedException refused)
        {
            throw ApiError.Unavailable(refused.Message, "shutting_down");
        }
        finally
        {
            await cts.CancelAsync();
            foreach (var r in runs) metrics.Record(await Drain(r));                                  // 4.
            _observer?.Observe(ctx.Request.Path.Value ?? "", runs, chat ? reply.ToString().TrimStart() : reply.ToString());
        }
    }

    async Task WholeAsync(HttpContext ctx, OpenAiRequest req, List<ServingRequest> runs, CancellationTokenSource cts, string id, long created,
        System.Text.StringBuilder reply)
    {
        var results = await Task.WhenAll(runs.Select(r => r.CompleteAsync(CancellationToken.None)));
        if (results.Any(r => r.Finish == FinishReason.Cancelled))
        {
            if (ctx.RequestAborted.IsCancellationRequested) { LlmLabServer.RecordStatus(ctx, 499); return; }   // nobody is listening
            throw runs.Any(r => r.CutAtShutdown) ? ShutdownError() : TimeoutError();
        }
        reply.Append(results[0].Text);
        var res = ctx.Response;
        res.ContentType = "application/json";
        await res.WriteAsync(JsonSerializer.Serialize(OpenAiResponses.Whole(req, id, created, options.ModelId, results, Engine.Tokenizer), Json),
            CancellationToken.None);
    }

    async Task StreamAsync(HttpContext ctx, OpenAiRequest req, List<ServingRequest> runs, string id, long created,
        System.Text.StringBuilder? reply)
    {
        var merged = Channel.CreateUnbounded<(int Index, GenerationChunk Chunk)>();
        var readers = runs.Select(async (r, i) =>
        {
            await foreach (var c in r.ReadAllAsync(CancellationToken.None)) await merged.Writer.WriteAsync((i, c));
        }).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        if (!await merged.Reader.WaitToReadAsync(CancellationToken.None)) return;                  // a refusal throws here, before any byte
        var res = ctx.Response;
        res.ContentType = "text/event-stream";
        res.Headers.CacheControl = "no-cache";
        res.Headers["X-Accel-Buffering"] = "no"; // proxies (nginx) must not buffer the events
        string model = options.ModelId;
        var tok = Engine.Tokenizer;
        for (int i = 0; i < runs.Count; i++)
            if (req.Chat) await SendAsync(res, OpenAiResponses.Chunk(req, id, created, model, i, null, [], null, tok, role: true));
            else if (req.Echo is { } echo) await SendAsync(res, OpenAiResponses.Chunk(req, id, created, model, i, echo, [], null, tok));
        var started = new bool[runs.Count];
        var tools = req.Tools is { ReadsCalls: true } ? new ToolCallStream(req, id, created, model) : null;
        try
        {
            await foreach (var (i, c) in merged.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (c.Finish == FinishReason.Cancelled)
                {
                    if (ctx.RequestAborted.IsCancellationRequested) { LlmLabServer.RecordStatus(ctx, 499); return; }
                    var error = runs[i].CutAtShutdown ? ShutdownError() : TimeoutError();
                    LlmLabServer.RecordStatus(ctx, error.Status);
                    await SendAsync(res, error.Body);                                  // no [DONE]: the stream did not finish
                    return;
                }
                string text = req.Chat && !started[i] ? c.Text.TrimStart() : c.Text;          // the template leaves a space after "Assistant:"
                started[i] |= text.Length > 0;
                if (i == 0) reply?.Append(text);
                var lps = c.Logprob is { } lp ? new[] { lp } : [];
                if (tools is not null)                                      // held while it may be a call (no logprobs with tools)
                    foreach (var chunk in tools.Next(i, text, c.Finish)) await SendAsync(res, chunk);
                else if (req.Chat)
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
            var error = Unwrap(e) is SchedulerOverloadedException ? ShutdownError()        // a choice refused while it waited
                : new ApiError(500, "the model failed on this request: " + Unwrap(e).Message, "server_error");
            LlmLabServer.RecordStatus(ctx, error.Status);
            await SendAsync(res, error.Body);
            return;
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

    ApiError TimeoutError() =>
        new(504, $"the request ran past the server's timeout of {options.RequestTimeout.TotalSeconds:0} s", "timeout_error", code: "timeout");

    ApiError ShutdownError() => ApiError.Unavailable(
        $"the server shut down before this request finished (drain deadline {options.DrainTimeout.TotalSeconds:0.#} s): retry on another replica", "shutting_down");

    static Exception Unwrap(Exception e) => e is ChannelClosedException { InnerException: { } inner } ? Unwrap(inner) : e is AggregateException { InnerException: { } a } ? Unwrap(a) : e;

    /// <summary>Waits for a request's end (its chunks are dropped) so its metrics are complete.</summary>
    static async Task<ServingRequest> Drain(ServingRequest r)
    {
        try { await foreach (var _ in r.ReadAllAsync(CancellationToken.None)) { } }
        catch (Exception) { } // the model's failure (or the drain's refusal) was reported to the client already
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
