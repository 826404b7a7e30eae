using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using LlmLab.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmLab.Server;

public sealed partial class LlmLabServer
{
    internal const string KeyItem = "llmlab.key", StatusItem = "llmlab.status";

    PartitionedRateLimiter<string>? _authFailures;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeRequestId();

    /// <summary>Records the status a request really ended with when it differs from the one sent in the headers (a stream
    /// already answered 200 that was cut, timed out or lost its client), for the log line and the HTTP counter.</summary>
    internal static void RecordStatus(HttpContext ctx, int status) => ctx.Items[StatusItem] = status;

    /// <summary>
    /// The outer middleware: (1) a request id (the client's <c>X-Request-Id</c> when it is a short safe token, else a
    /// new one), echoed in the response and put in the log scope; (2) errors in OpenAI's shape — an <see cref="ApiError"/>
    /// as given, bad input as 400, anything else as 500 without internals; bare 404/405 answers get a body too; (3) one
    /// log line and one counter increment per request, with the route template (never the raw path, which may carry
    /// anything a user pasted) and the real outcome: 499 when the client left before the end (nginx's code).
    /// </summary>
    async Task RequestContext(HttpContext ctx, RequestDelegate next, ILogger log)
    {
        var start = Stopwatch.GetTimestamp();
        string? given = ctx.Request.Headers["X-Request-Id"];
        string id = given is not null && SafeRequestId().IsMatch(given) ? given : "req-" + Guid.NewGuid().ToString("N")[..16];
        ctx.Response.Headers["X-Request-Id"] = id;
        using var scope = log.BeginScope("request {RequestId}", id);
        try
        {
            await next(ctx);
            if (ctx.Response.StatusCode is 404 or 405 && !ctx.Response.HasStarted)
                await new ApiError(ctx.Response.StatusCode, ctx.Response.StatusCode == 404
                    ? $"Invalid URL ({ctx.Request.Method} {Printable(ctx.Request.Path)}): see GET /v1/models, POST /v1/completions, POST /v1/chat/completions"
                    : $"Method {ctx.Request.Method} is not allowed on {Printable(ctx.Request.Path)}").WriteAsync(ctx.Response);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            var error = e switch
            {
                ApiError a => a,
                InputException => new ApiError(400, e.Message),
                OperationCanceledException or IOException when ctx.RequestAborted.IsCancellationRequested => new ApiError(499, "the client closed the request"),
                _ => new ApiError(500, "the server failed on this request (the log has the details under its request id)", "server_error"),
            };
            if (error.Status == 500) log.LogError(e, "request failed: {Error}", e.GetType().Name);
            if (!ctx.RequestAborted.IsCancellationRequested) await error.WriteAsync(ctx.Response);
            else RecordStatus(ctx, 499);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { RecordStatus(ctx, 499); } // the client left mid-stream
        finally
        {
            string route = (ctx.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "other";
            int status = ctx.Items[StatusItem] as int? ?? ctx.Response.StatusCode;
            Metrics.CountHttp(route, status);
            log.LogInformation("{Method} {Route} {Status} {ElapsedMs} ms {KeyId}", ctx.Request.Method, route, status,
                Stopwatch.GetElapsedTime(start).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), ctx.Items[KeyItem] as string ?? "-");
        }
    }

    /// <summary>A path quoted back to the client that sent it, cut short and without control characters.</summary>
    static string Printable(PathString path) => OpenAiMessages.Short(path.Value ?? "");

    /// <summary>With keys configured, every <c>/v1/</c> call needs <c>Authorization: Bearer KEY</c> (401 otherwise);
    /// health, readiness and metrics stay open (for probes and scrapers on a private network). Wrong keys are limited per
    /// client address (<see cref="ServerOptions.AuthFailuresPerMinute"/>): past the limit the address gets 429 before its
    /// key is even checked, so guessing runs at a few tries a minute, not at full speed.</summary>
    Task Authenticate(HttpContext ctx, RequestDelegate next)
    {
        if (Options.ApiKeys is not { Count: > 0 } keys || !ctx.Request.Path.StartsWithSegments("/v1")) return next(ctx);
        string address = ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (_authFailures?.GetStatistics(address) is { CurrentAvailablePermits: <= 0 })
            throw new ApiError(429, $"Too many failed authentications from this address: at most {Options.AuthFailuresPerMinute} a minute",
                "requests", code: "too_many_failed_authentications") { RetryAfterSeconds = (int)Math.Ceiling(60.0 / Options.AuthFailuresPerMinute) };
        string? header = ctx.Request.Headers.Authorization;
        string? presented = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (presented is null)
            throw new ApiError(401, "You didn't provide an API key: send it as 'Authorization: Bearer KEY'", code: "missing_api_key");
        if (!keys.Verify(presented, out var keyId))
        {
            _authFailures?.AttemptAcquire(address).Dispose();
            throw new ApiError(401, "Incorrect API key provided", code: "invalid_api_key");
        }
        ctx.Items[KeyItem] = keyId;
        return next(ctx);
    }

    /// <summary>A steady refill of <see cref="ServerOptions.AuthFailuresPerMinute"/> a minute per address.</summary>
    static PartitionedRateLimiter<string>? AuthFailureLimiter(ServerOptions o) => o.AuthFailuresPerMinute == 0 ? null
        : PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.AuthFailuresPerMinute, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / o.AuthFailuresPerMinute),
            QueueLimit = 0, AutoReplenishment = true,
        }));

    /// <summary>A token bucket per API key (per client address without keys) on <c>/v1/</c>, holding
    /// <see cref="ServerOptions.RateLimitBurst"/> requests (one second's worth by default); 429 in OpenAI's shape, with
    /// Retry-After.</summary>
    static void AddRateLimiting(IServiceCollection services, ServerOptions o)
    {
        if (o.RequestsPerSecondPerKey <= 0) return;
        int perSecond = Math.Max(1, (int)Math.Round(o.RequestsPerSecondPerKey));
        int burst = o.RateLimitBurst ?? perSecond;
        services.AddRateLimiter(r =>
        {
            r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                !ctx.Request.Path.StartsWithSegments("/v1")
                    ? RateLimitPartition.GetNoLimiter("open")
                    : RateLimitPartition.GetTokenBucketLimiter(ctx.Items[KeyItem] as string ?? ctx.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                        _ => new TokenBucketRateLimiterOptions
                        {
                            // The bucket must hold at least a second's tokens, or the burst would cap the rate itself.
                            TokenLimit = Math.Max(burst, perSecond), TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                            QueueLimit = 0, AutoReplenishment = true,
                        }));
            r.OnRejected = (context, ct) => new ValueTask(new ApiError(429,
                $"Rate limit reached: {o.RequestsPerSecondPerKey:0.#} requests/s per key (burst {Math.Max(burst, perSecond)}); retry after 1 s",
                "requests", code: "rate_limit_exceeded") { RetryAfterSeconds = 1 }.WriteAsync(context.HttpContext.Response));
        });
    }
}
