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
/// <c>/v1/completions</c> (whole or streamed as server-sent events), <c>GET /v1/models</c>, <c>/health</c>,
/// <c>/ready</c> and Prometheus' <c>/metrics</c>. Requests are decoded together by a <see cref="BatchScheduler"/>
/// (continuous batching by default). The pipeline, in order: request id and log line → error shaping (OpenAI's
/// <c>{"error": …}</c>) → API-key check → per-key rate limit → the endpoint. The host gives the
/// <see cref="GenerationEngine"/> (the server owns neither it nor its model); the server owns its scheduler.
/// Thread-safe; dispose it (drains in-flight requests first).
/// </summary>
public sealed partial class LlmLabServer : IAsyncDisposable
{
    volatile bool _draining;
    int _disposed;

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
        logging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        AddRateLimiting(builder.Services, options);
        var app = builder.Build();
        var scheduler = new BatchScheduler(engine, options.Scheduler);
        var metrics = new ServerMetrics(options.ModelId);
        metrics.Observe(scheduler);
        if (options.DriftMonitor is { } drift) DriftMetrics.Register(metrics.Registry, drift);
        var server = new LlmLabServer(app, scheduler, metrics, options);
        server.Configure(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LlmLab.Server"));
        return server;
    }

    /// <summary>Starts listening.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Stops taking connections, lets in-flight requests finish (up to the shutdown timeout), then stops the
    /// scheduler. Also what <see cref="DisposeAsync"/> does.</summary>
    public async Task StopAsync()
    {
        _draining = true;
        await App.StopAsync().ConfigureAwait(false);
        await Scheduler.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try { await StopAsync().ConfigureAwait(false); }
        finally { await App.DisposeAsync().ConfigureAwait(false); }
    }

    void Configure(ILogger log)
    {
        var app = App;
        var handler = new CompletionHandler(Scheduler, Metrics, Options);
        app.Lifetime.ApplicationStopping.Register(() => _draining = true);
        app.Use((ctx, next) => RequestContext(ctx, next, log));
        app.Use(Authenticate);
        if (Options.RequestsPerSecondPerKey > 0) app.UseRateLimiter();
        if (Options.RefusalGate is { } gate) app.Use(new RefusalGateMiddleware(gate, Options, Scheduler.Engine.Tokenizer).InvokeAsync);
        long started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        app.MapPost("/v1/chat/completions", (HttpContext ctx) => handler.HandleAsync(ctx, chat: true));
        app.MapPost("/v1/completions", (HttpContext ctx) => handler.HandleAsync(ctx, chat: false));
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { Model(started) } }));
        app.MapGet("/v1/models/{id}", (string id) => id == Options.ModelId ? Results.Json(Model(started))
            : throw new ApiError(404, $"The model '{id}' does not exist", param: "model", code: "model_not_found"));
        var embeddings = new EmbeddingsHandler(Options);
        app.MapPost("/v1/embeddings", (Delegate)((HttpContext ctx) => embeddings.HandleAsync(ctx)));
        app.MapGet("/health", () => Results.Json(new { status = "ok" }));
        app.MapGet("/ready", () => _draining || Scheduler.Stopped.IsCompleted
            ? Results.Json(new { status = "draining" }, statusCode: 503)
            : Results.Json(new { status = "ready", model = Options.ModelId }));
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.ExportAsync(ctx.Response.Body, ctx.RequestAborted);
        });
    }

    object Model(long created) => new { id = Options.ModelId, @object = "model", created, owned_by = "llmlab" };
}
