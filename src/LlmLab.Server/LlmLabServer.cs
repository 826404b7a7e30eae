using LlmLab.Inference;
using LlmLab.Inference.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmLab.Server;

/// <summary>
/// An OpenAI-compatible HTTP server over a local model (ASP.NET Core on Kestrel): <c>POST /v1/chat/completions</c> and
/// <c>/v1/completions</c> (whole or streamed as server-sent events), <c>GET /v1/models</c>, <c>POST /v1/embeddings</c>,
/// vLLM's <c>/tokenize</c>, <c>/detokenize</c> and <c>/version</c>, <c>/health</c>, <c>/ready</c> and Prometheus'
/// <c>/metrics</c>. Requests are decoded together by a <see cref="BatchScheduler"/>
/// (continuous batching by default). The pipeline, in order: request id and log line → error shaping (OpenAI's
/// <c>{"error": …}</c>) → API-key check → per-key rate limit → the endpoint. The host gives the
/// <see cref="GenerationEngine"/> (the server owns neither it nor its model); the server owns its scheduler.
/// Thread-safe; dispose it (drains in-flight requests first, see <see cref="StopAsync"/>).
/// </summary>
public sealed partial class LlmLabServer : IAsyncDisposable
{
    volatile bool _draining;
    int _disposed, _stopping;
    readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    LlmLabServer(WebApplication app, BatchScheduler scheduler, ServerMetrics metrics, ServerOptions options)
    {
        (App, Scheduler, Metrics, Options) = (app, scheduler, metrics, options);
    }

    /// <summary>The web application (started by <see cref="StartAsync"/>).</summary>
    public WebApplication App { get; }

    public BatchScheduler Scheduler { get; }
    public ServerMetrics Metrics { get; }
    public ServerOptions Options { get; }

    /// <summary>The address the server listens on, with the port Kestrel chose for port 0 (after <see cref="StartAsync"/>).</summary>
    public Uri BaseAddress => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// Builds the server. <paramref name="logging"/> configures its log providers (null: no logs); the request log is
    /// one structured line per request with its id, route, status, duration and API-key id — never a key, a header
    /// value, a query string or a prompt.
    /// </summary>
    /// <exception cref="InputException">An invalid option.</exception>
    public static LlmLabServer Create(GenerationEngine engine, ServerOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // ASP.NET's hosting scope puts the raw request path on every line (a key pasted into a URL would be logged);
        // it is only created when this category is enabled. Our own line logs the route template instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // A failed start (a busy port) is thrown to the host, which reports it in one line: no logged stack trace too.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        // Kestrel's own wait at shutdown: after the drain (StopAsync) only the last events are left to write.
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        AddRateLimiting(builder.Services, options);
        var app = builder.Build();
        var scheduler = new BatchScheduler(engine, options.Scheduler);
        var metrics = new ServerMetrics(options.ModelId);
        metrics.Observe(scheduler);
        if (options.DriftMonitor is { } drift) DriftMetrics.Register(metrics.Registry, drift);
        options.Cache?.Register(metrics.Registry);
        options.Cascade?.Register(metrics.Registry);
        var server = new LlmLabServer(app, scheduler, metrics, options) { _authFailures = AuthFailureLimiter(options) };
        server.Configure(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LlmLab.Server"));
        return server;
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Sequences cut by the drain deadline at shutdown (0 when every running request finished).</summary>
    public int CutAtShutdown { get; private set; }

    /// <summary>
    /// The graceful shutdown (what SIGTERM, Ctrl+C and <see cref="DisposeAsync"/> do): (1) with the listener still open,
    /// <c>/ready</c> turns 503 (a load balancer sees it) and new completion requests get 503 with Retry-After; (2) requests
    /// still queued get 503 with Retry-After at once; (3) running ones finish, until <see cref="ServerOptions.DrainTimeout"/>;
    /// (4) those still running then are cut — a stream ends with an error event and no <c>[DONE]</c>, a whole request gets
    /// 503 — and counted in <see cref="CutAtShutdown"/>; (5) the listener closes once the last answers are written.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0) { await _stopped.Task.ConfigureAwait(false); return; }
        try
        {
            _draining = true;                                                                              // 1.
            CutAtShutdown = await Scheduler.DrainAsync(Options.DrainTimeout).ConfigureAwait(false);         // 2.–4.
            await App.StopAsync().ConfigureAwait(false);                                                   // 5.
            await Scheduler.DisposeAsync().ConfigureAwait(false);
        }
        finally { _stopped.TrySetResult(); }
    }

    /// <summary>Completes when a shutdown was asked for (SIGTERM, Ctrl+C, or the host's StopApplication).</summary>
    public Task ShutdownRequested => Task.Delay(Timeout.Infinite, App.Lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try { await StopAsync().ConfigureAwait(false); }
        finally { await App.DisposeAsync().ConfigureAwait(false); }
    }

    void Configure(ILogger log)
    {
        var app = App;
        var handler = new CompletionHandler(Scheduler, Metrics, Options, () => _draining);
        app.Lifetime.ApplicationStopping.Register(() => _draining = true);
        app.Use((ctx, next) => RequestContext(ctx, next, log));
        app.Use(Authenticate);
        if (Options.RequestsPerSecondPerKey > 0) app.UseRateLimiter();
        if (Options.RefusalGate is { } gate) app.Use(new RefusalGateMiddleware(gate, Options, Scheduler.Engine.Tokenizer).InvokeAsync);
        if (Options.Cache is { } cache) app.Use(new ResponseCacheMiddleware(cache, Options).InvokeAsync);
        if (Options.Cascade is { } cascade) app.Use(cascade.InvokeAsync);                  // behind the cache: cascade + cache
        long started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/chat/completions", (HttpContext ctx) => handler.HandleAsync(ctx, chat: true));
        v1.MapPost("/completions", (HttpContext ctx) => handler.HandleAsync(ctx, chat: false));
        v1.MapGet("/models", () => TypedResults.Json(new { @object = "list", data = new[] { Model(started) } }));
        v1.MapGet("/models/{id}", (string id) => id == Options.ModelId ? TypedResults.Json(Model(started))
            : throw new ApiError(404, $"The model '{OpenAiMessages.Short(id)}' does not exist", param: "model", code: "model_not_found"));
        var embeddings = new EmbeddingsHandler(Options);
        v1.MapPost("/embeddings", (Delegate)((HttpContext ctx) => embeddings.HandleAsync(ctx)));
        TokenizerEndpoints.Map(app, Options, Scheduler.Engine);
        string[] probe = ["GET", "HEAD"];                                                   // probes and uptime checks use HEAD
        app.MapMethods("/health", probe, (Delegate)(() => TypedResults.Json(new { status = "ok" })));
        app.MapMethods("/ready", probe, (Delegate)(() => _draining || Scheduler.Stopped.IsCompleted
            ? TypedResults.Json<object>(new { status = "draining" }, statusCode: 503)
            : TypedResults.Json<object>(new { status = "ready", model = Options.ModelId })));
        app.MapMethods("/metrics", probe, async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            if (!HttpMethods.IsHead(ctx.Request.Method)) await Metrics.ExportAsync(ctx.Response.Body, ctx.RequestAborted);
        });
    }

    object Model(long created) => new { id = Options.ModelId, @object = "model", created, owned_by = "llmlab" };
}
