using System.Text.Json;
using LlmLab.Monitoring.Cascade;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Prometheus;
using static LlmLab.Server.JsonFields;

namespace LlmLab.Server;

/// <summary>
/// <c>llmlab serve --cascade small=DIR,large=DIR</c>: <c>POST /v1/chat/completions</c> answered by a
/// <see cref="CascadeChatClient"/> (the small model first, the large one when the small answer's confidence is below the
/// threshold). (1) The messages are read as the server always reads them; temperature, top_p, max_tokens, stop and seed
/// are passed on; (2) the cascade decides (a stream is refused: the small answer cannot be streamed and then taken back);
/// (3) the answer in OpenAI's shape, with the usage of the model that answered and the header
/// <c>X-LlmLab-Cascade: small|large</c>. Metrics: <c>llmlab_cascade_requests_total</c>,
/// <c>llmlab_cascade_escalations_total</c>, <c>llmlab_cascade_cost_total</c> (the cost model's unit). Runs in front of the
/// batching scheduler, one request at a time per model (each model's engine serialises its generations). Thread-safe.
/// </summary>
public sealed class CascadeEndpoint
{
    static readonly HashSet<string> Fields = ["model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "seed",
        "stream", "user", "n"];

    readonly CascadeChatClient _cascade;
    readonly ServerOptions _options;
    Counter? _requests, _escalations, _cost;

    /// <param name="cascade">The cascade (not owned).</param>
    /// <param name="options">The server's options (model id, token limits).</param>
    public CascadeEndpoint(CascadeChatClient cascade, ServerOptions options) => (_cascade, _options) = (cascade, options);

    /// <summary>Registers the counters on the server's registry.</summary>
    public void Register(CollectorRegistry registry)
    {
        var f = Metrics.WithCustomRegistry(registry);
        _requests = f.CreateCounter("llmlab_cascade_requests_total", "Chat requests answered by the cascade.");
        _escalations = f.CreateCounter("llmlab_cascade_escalations_total", "Cascade requests the large model answered (small answer below threshold).");
        _cost = f.CreateCounter("llmlab_cascade_cost_total", "Cost of the cascade's answers (tokens × each model's price; GFLOP by default).");
    }

    /// <summary>The middleware: handles the chat route, passes everything else on.</summary>
    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(ctx.Request.Method) || ctx.Request.Path != "/v1/chat/completions") { await next(ctx); return; }
        var body = await CompletionHandler.ReadBodyAsync(ctx);                                                         // 1.
        if (body.ValueKind != JsonValueKind.Object) throw new ApiError(400, "the request body must be a JSON object");
        foreach (var p in body.EnumerateObject())
            if (!Fields.Contains(p.Name))
                throw ApiError.BadField(p.Name, $"'{OpenAiMessages.Short(p.Name)}' is not supported by the cascade (fields: {string.Join(", ", Fields)})");
        if (Get(body, "model") is { } m && Str(m, "model") != _options.ModelId)
            throw new ApiError(404, $"The model '{OpenAiMessages.Short(m.GetString()!)}' does not exist", param: "model", code: "model_not_found");
        if (Get(body, "stream") is { ValueKind: JsonValueKind.True })
            throw ApiError.BadField("stream", "the cascade answers whole responses (it decides after the small model's answer): set stream to false");
        if (Get(body, "n") is { } n && (n.ValueKind != JsonValueKind.Number || n.GetInt32() != 1))
            throw ApiError.BadField("n", "the cascade gives one choice: n must be 1");
        var messages = OpenAiMessages.Read(Get(body, "messages"));
        var options = new ChatOptions
        {
            MaxOutputTokens = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens") ?? _options.DefaultMaxTokens,
            Temperature = (float?)Num(body, "temperature"), TopP = (float?)Num(body, "top_p"), Seed = Int(body, "seed"),
            StopSequences = Get(body, "stop") switch
            {
                null => null,
                { ValueKind: JsonValueKind.String } s => [s.GetString()!],
                { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().Select(x => Str(x, "stop")).ToList(),
                _ => throw ApiError.BadField("stop", "stop must be a string or an array of strings"),
            },
        };
        if (options.MaxOutputTokens is < 1 || options.MaxOutputTokens > _options.MaxTokensLimit)
            throw ApiError.BadField("max_tokens", $"max_tokens must be in [1, {_options.MaxTokensLimit}]");
        CascadeResult r;
        try { r = await _cascade.AnswerAsync(messages, options, ctx.RequestAborted); }                                   // 2.
        catch (InputException e) { throw new ApiError(400, e.Message, param: "messages"); }
        _requests?.Inc();
        if (r.Escalated) _escalations?.Inc();
        _cost?.Inc(r.Cost);
        var usage = r.Final.Usage;
        ctx.Response.Headers["X-LlmLab-Cascade"] = r.Escalated ? "large" : "small";                                      // 3.
        await TypedResults.Json(new
        {
            id = "chatcmpl-" + Guid.NewGuid().ToString("N"), @object = "chat.completion", created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = _options.ModelId,
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content = r.Final.Text }, logprobs = (object?)null,
                    finish_reason = r.Final.FinishReason == ChatFinishReason.Length ? "length" : "stop" },
            },
            usage = OpenAiResponses.Usage((int)(usage?.InputTokenCount ?? 0), (int)(usage?.OutputTokenCount ?? 0)),
        }).ExecuteAsync(ctx);
    }

    static int? Int(JsonElement body, string name) => Get(body, name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw ApiError.BadField(name, $"{name} must be an integer")
        : null;

    static double? Num(JsonElement body, string name) => Get(body, name) is { } v
        ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw ApiError.BadField(name, $"{name} must be a number")
        : null;
}
