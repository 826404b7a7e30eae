using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using LlmLab.Inference;
using LlmLab.Server;
using Microsoft.Extensions.Logging;

namespace LlmLab.Tests.Server;

/// <summary>A real server on a free loopback port over a tiny untrained demo model, with one API key and a log sink.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string Key = "sk-test-0123456789abcdef0123";

    TestServer(LlmLabServer server, GenerationEngine engine, LogSink logs) => (Server, Engine, Logs) = (server, engine, logs);

    public LlmLabServer Server { get; }
    public GenerationEngine Engine { get; }
    public LogSink Logs { get; }
    public Uri Base => Server.BaseAddress;

    /// <summary>Greedy completions the engine gives alone, computed before the server owns the model.</summary>
    public Dictionary<string, GenerationResult> Expected { get; } = [];

    /// <param name="engine">The model to serve (the server's tests own it); null: a char-level demo of <paramref name="context"/>.</param>
    public static async Task<TestServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null, string[]? expectPrompts = null, int context = 64,
        GenerationEngine? engine = null)
    {
        engine ??= DemoModel.Create("char", context: context, layers: 1, width: 32);
        var logs = new LogSink();
        var options = new ServerOptions
        {
            Url = "http://127.0.0.1:0", ModelId = DemoModel.ModelId, ApiKeys = ApiKeyStore.FromKeys([Key]), RequestsPerSecondPerKey = 0,
        };
        options = configure?.Invoke(options) ?? options;
        var expected = (expectPrompts ?? []).ToDictionary(p => p, p => engine.Generate(p, SamplingParams.Greedy(8)));
        var server = LlmLabServer.Create(engine, options, b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        await server.StartAsync();
        var t = new TestServer(server, engine, logs);
        foreach (var (k, v) in expected) t.Expected[k] = v;
        return t;
    }

    public HttpClient Client(string? key = Key)
    {
        var http = new HttpClient { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Engine.Model.Dispose();
    }

    /// <summary>Every log message and scope rendered as text.</summary>
    public sealed class LogSink : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        sealed class Logger(LogSink sink) : ILogger
        {
            static readonly AsyncLocal<List<string>> Scopes = new();

            public IDisposable BeginScope<TState>(TState state) where TState : notnull
            {
                var list = Scopes.Value ??= [];
                string text = (state is IEnumerable<KeyValuePair<string, object>> kv ? string.Join(",", kv.Select(p => $"{p.Key}={p.Value}")) + "|" : "") + state;
                list.Add(text);
                return new Pop(list);
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Lines.Enqueue($"[{string.Join(";", Scopes.Value ?? [])}] {formatter(state, exception)} {exception}");

            sealed class Pop(List<string> list) : IDisposable
            {
                public void Dispose() { if (list.Count > 0) list.RemoveAt(list.Count - 1); }
            }
        }
    }
}
