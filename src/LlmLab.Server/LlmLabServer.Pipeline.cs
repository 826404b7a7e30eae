using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using LlmLab.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmLab.Server;

public sealed partial class LlmLabServer
{
    const string KeyItem = "llmlab.key";
    static readonly string[] Routes = ["/v1/chat/completions", "/v1/completions", "/v1/models", "/v1/embeddings", "/health", "/ready", "/metrics"];

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeRequestId();

    /// <summary>
    /// The outer middleware: (1) a request id (the client's <c>X-Request-Id</c> when it is a short safe token, else a
    /// new one), echoed in the response and put in the log scope; (2) errors in OpenAI's shape — an <see cref="ApiError"/>
    /// as given, bad input as 400, anything else as 500 without internals; bare 404/405 answers get a body too; (3) one
    /// log line and one counter increment per request.
    /// </summary>
    async Task RequestContext(HttpContext ctx, RequestDelegate next, ILogger log)
    {
        var start = Stopwatch.GetTimestamp();
        string? given = ctx.Request.Headers["X-Request-Id"];
        string id = given is not null && SafeRequestId().IsMatch(given) ? given : "req-" + Guid.NewGuid().ToString("N")[..16];
        ctx.Response.Headers["X-Request-Id"] = id;
        string route = Routes.FirstOrDefault(r => ctx.Request.Path.StartsWithSegments(r)) ?? "other";
        using var scope = log.BeginScope(new Dictionary<string, object> { ["RequestId"] = id });
        try
        {
            await next(ctx);
            if (ctx.Response.StatusCode is 404 or 405 && !ctx.Response.HasStarted)
                await new ApiError(ctx.Response.StatusCode, ctx.Response.StatusCode == 404
                    ? $"Invalid URL ({ctx.Request.Method} {ctx.Request.Path}): see GET /v1/models, POST /v1/completions, POST /v1/chat/completions"
                    : $"Method {ctx.Request.Method} is not allowed on {ctx.Request.Path}").WriteAsync(ctx.Response);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            var error = e switch
            {
                ApiError a => a,
                InputException => new ApiError(400, e.Message),
                OperationCanceledException when ctx.RequestAborted.IsCancellationRequested => new ApiError(499, "the client closed the request"),
                _ => new ApiError(500, "the server failed on this request (the log has the details under its request id)", "server_error"),
            };
            if (error.Status == 500) log.LogError(e, "request failed: {Error}", e.GetType().Name);
            if (!ctx.RequestAborted.IsCancellationRequested) await error.WriteAsync(ctx.Response);
            else ctx.Response.StatusCode = error.Status;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { } // the client left mid-stream
        finally
        {
            Metrics.CountHttp(route, ctx.Response.StatusCode);
            log.LogInformation("{Method} {Route} {Status} {ElapsedMs} ms {KeyId}", ctx.Request.Method, route, ctx.Response.StatusCode,
                Stopwatch.GetElapsedTime(start).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), ctx.Items[KeyItem] as string ?? "-");
        }
    }

    /// <summary>With keys configured, every <c>/v1/</c> call needs <c>Authorization: Bearer KEY</c> (401 otherwise);
    /// health, readiness and metrics stay open (for probes and scrapers on a private network).</summary>
    Task Authenticate(HttpContext ctx, RequestDelegate next)
    {
        if (Options.ApiKeys is not { Count: > 0 } keys || !ctx.Request.Path.StartsWithSegments("/v1")) return next(ctx);
        string? header = ctx.Request.Headers.Authorization;
        string? presented = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (presented is null)
            throw new ApiError(401, "You didn't provide an API key: send it as 'Authorization: Bearer KEY'", code: "missing_api_key");
        if (!keys.Verify(presented, out var keyId))
            throw new ApiError(401, "Incorrect API key provided", code: "invalid_api_key");
        ctx.Items[KeyItem] = keyId;
        return next(ctx);
    }

    /// <summary>A token bucket per API key (per client address without keys) on <c>/v1/</c>; 429 in OpenAI's shape,
    /// with Retry-After.</summary>
    static void AddRateLimiting(IServiceCollection services, ServerOptions o)
    {
        if (o.RequestsPerSecondPerKey <= 0) return;
        int perSecond = Math.Max(1, (int)Math.Round(o.RequestsPerSecondPerKey));
        services.AddRateLimiter(r =>
        {
            r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                !ctx.Request.Path.StartsWithSegments("/v1")
                    ? RateLimitPartition.GetNoLimiter("open")
                    : RateLimitPartition.GetTokenBucketLimiter(ctx.Items[KeyItem] as string ?? ctx.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                        _ => new TokenBucketRateLimiterOptions
                        {
                            // The bucket must hold at least a second's tokens, or the burst would cap the rate itself.
                            TokenLimit = Math.Max(o.RateLimitBurst, perSecond), TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                            QueueLimit = 0, AutoReplenishment = true,
                        }));
            r.OnRejected = (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(new ApiError(429, $"Rate limit reached: {o.RequestsPerSecondPerKey:0.#} requests/s per key (burst {o.RateLimitBurst}); retry after 1 s",
                    "requests", code: "rate_limit_exceeded").WriteAsync(context.HttpContext.Response));
            };
        });
    }
}
