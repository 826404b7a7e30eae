using LlmLab.Alignment;
using System.Globalization;
using LlmLab.Inference;
using LlmLab.Inference.Serving;
using LlmLab.Runtime;
using LlmLab.Server;
using LlmLab.Training;
using Microsoft.Extensions.Hosting;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab serve</c>: the OpenAI-compatible server (<see cref="LlmLabServer"/>) on a port, until Ctrl+C or SIGTERM,
/// which drain it (<see cref="LlmLabServer.StopAsync"/>: queued requests get 503 at once, running ones have
/// <c>--drain-timeout</c> seconds to finish); the exit code is 1 when the deadline cut any, 0 otherwise. API keys come from <c>LLMLAB_API_KEYS</c> or a file, never from
/// the command line (which other users can read in the process list). <c>--demo</c> serves a small randomly
/// initialised, untrained GPT (its text is noise): the plumbing, metrics and batching, before a checkpoint exists.
/// </summary>
public sealed class ServeCommand : CliCommand
{
    public override string Name => "serve";
    public override string Summary => "OpenAI-compatible server with continuous batching and Prometheus /metrics";
    public override string Usage => "--demo [--demo-tokenizer char|gpt2] | --checkpoint DIR | --cascade small=DIR,large=DIR[,threshold=0.5]   [--host 127.0.0.1] [--port 8000] [--model-id ID] " +
        "[--mode continuous|static] [--max-seqs 16] [--max-kv-tokens N] [--rate-limit 20] [--rate-burst N] [--max-tokens-limit 4096] " +
        "[--timeout-s 120] [--drain-timeout 30] [--api-keys-file FILE] [--threads N] [--embeddings] [--refusal-gate GATE.json] " +
        "[--capture-requests FILE] [--drift-reference ref.json [--drift-window 500]] " +
        "[--cache exact|semantic [--cache-threshold 0.95] [--cache-ttl 3600] [--cache-size 10000] [--cache-sampled] [--cache-redis HOST:PORT]]";
    public override IReadOnlySet<string> Options => new HashSet<string>(
    [
        "checkpoint", "cascade", "demo-tokenizer", "host", "port", "model-id", "mode", "max-seqs", "max-kv-tokens", "rate-limit", "rate-burst", "max-tokens-limit", "timeout-s",
        "drain-timeout", "api-keys-file", "threads", "refusal-gate", "capture-requests", "drift-reference", "drift-window",
        .. ServeCache.OptionNames,
    ]);
    public override IReadOnlySet<string> Flags => new HashSet<string> { "demo", "embeddings", "cache-sampled" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        var options = BuildOptions(args, out bool demo);
        // --capture-requests stores prompts and replies in clear text (opt-in); --drift-reference keeps only numeric features.
        var drift = DriftMonitor(args);
        var cacheSpec = ServeCache.Parse(args, this);
        var cascadeSpec = args.Get("cascade") is { } cascadeText ? ServeCascade.Parse(cascadeText) : ((string Small, string Large, double Threshold)?)null;
        TorchRuntime.EnsureLoaded(args.GetInt("threads", TorchRuntime.DefaultThreads, min: 1, max: 256));
        // --refusal-gate: lab 7.3's gate in front of /v1/chat/completions; read before the model so a bad file costs nothing.
        var (gate, gateEncoder) = RefusalGateLoader.Load(args.Get("refusal-gate"));
        using var _ = gateEncoder;
        // --embeddings: /v1/embeddings answered by the local all-MiniLM-L6-v2 encoder (ONNX Runtime, LlmLab.Retrieval); the
        // semantic cache embeds questions with the same model. Loaded (and Redis reached) before the model: a bad option costs nothing.
        bool semantic = cacheSpec?.Kind == LlmLab.Monitoring.Caching.CacheKind.Semantic;
        using var embeddings = args.Flag("embeddings") || semantic ? LlmLab.Retrieval.Embeddings.OnnxSentenceEncoder.CreateMiniLm() : null;
        IDisposable? cacheConnection = null;
        var cache = cacheSpec is { } spec ? ServeCache.Build(args, spec.Kind, spec.Options, embeddings, out cacheConnection) : null;
        using var __ = cacheConnection;
        ChatTemplate? template = null;
        // --cascade: the small and large chat checkpoints behind lab 10.3's cascade; the large one also serves the other routes.
        using var cascade = cascadeSpec is { } cs ? ServeCascade.Load(cs.Small, cs.Large, cs.Threshold, options.ModelId) : null;
        var engine = demo
            ? DemoModel.Create(args.Get("demo-tokenizer") ?? "char")
            : cascade is not null ? cascade.Engine : FromCheckpoint(args.Get("checkpoint")!, out template);
        template ??= cascade?.Template;
        // Opened last, once everything else has loaded: a bad option leaves no capture file behind.
        using var capture = args.Get("capture-requests") is { } capturePath ? LlmLab.Monitoring.Requests.RequestCapture.Open(capturePath) : null;
        options = options with { ChatTemplate = template, Embeddings = args.Flag("embeddings") ? embeddings : null, Cache = cache,
            CaptureRequests = capture, DriftMonitor = drift, Cascade = cascade is null ? null : new CascadeEndpoint(cascade.Client, options),
            RefusalGate = gate };
        if (options.ApiKeys is null && !IsLoopback(options.Url))
            @out.WriteLine($"warning: no API keys (set {ApiKeyStore.EnvironmentVariable} or --api-keys-file) and listening beyond loopback");
        var server = LlmLabServer.Create(engine, options, ServerLogging.JsonConsole);
        try { server.StartAsync().GetAwaiter().GetResult(); }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
                                    || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            server.Scheduler.Dispose();
            server.App.DisposeAsync().AsTask().GetAwaiter().GetResult();
            engine.Model.Dispose();
            throw new InputException($"{options.Url} is already in use by another process: choose another --port (0 = any free port)");
        }
        @out.WriteLine($"serving '{options.ModelId}' ({(demo ? "UNTRAINED demo model: its text is noise" : cascade is null ? "checkpoint"
            : $"cascade: small answers, large below confidence {cascade.Client.Threshold.ToString(CultureInfo.InvariantCulture)}")}) at {server.BaseAddress} " +
            $"— {options.Scheduler.Mode.ToString().ToLowerInvariant()} batching, up to {options.Scheduler.MaxRunningSequences} sequences; " +
            $"{(options.ApiKeys is { } k ? $"{k.Count} API key(s)" : "no API key")}" +
            $"{(gate is null ? "" : $"; refusal gate {gate.Classifier.Featurizer.Title} at {gate.Threshold}")}; Ctrl+C to stop");
        if (capture is not null) @out.WriteLine($"capturing every request, prompt and reply in clear text, to {capture.Path}");
        if (cache is not null) @out.WriteLine($"response cache: {cache.Kind.ToString().ToLowerInvariant()} ({cache.StoreName}" +
            $"{(cache.Semantic is null ? "" : "; semantic entries in this instance, threshold " +
                cache.Exact.Options.SemanticThreshold.ToString(CultureInfo.InvariantCulture))}), TTL " +
            $"{cache.Exact.Options.Ttl.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, {cache.Exact.Options.MaxEntries} entries; llmlab_cache_hits_total on /metrics");
        if (drift is not null) @out.WriteLine($"drift monitor: {drift.Window} requests against {args.Get("drift-reference")} (gauges llmlab_drift_* on /metrics)");
        server.ShutdownRequested.GetAwaiter().GetResult();
        @out.WriteLine($"draining: /ready is 503, queued requests are refused, running ones have {options.DrainTimeout.TotalSeconds:0.###} s to finish");
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        engine.Model.Dispose();
        if (server.CutAtShutdown == 0) return 0;
        Console.Error.WriteLine($"error: the drain deadline (--drain-timeout {options.DrainTimeout.TotalSeconds:0.###} s) cut {server.CutAtShutdown} running " +
            "sequence(s); their clients got an error (raise --drain-timeout to let them finish)");
        return 1;
    }

    /// <summary>The model and tokenizer of a training run's checkpoint (<c>llmlab train</c>, lab 6), newest if a run directory is given.</summary>
    /// A checkpoint of <c>llmlab sft</c> carries its chat template (config.sft.chat_template); others get the transcript.
    static GenerationEngine FromCheckpoint(string path, out ChatTemplate template)
    {
        var (model, tokenizer, loaded) = HfOrCheckpoint.Load(path); // a checkpoint, or a Hugging Face folder
        template = loaded;
        return new GenerationEngine(model, tokenizer, PromptOverflow.Error);
    }

    /// <summary>The chat template a checkpoint carries (<see cref="ChatCheckpoint.TemplateOf"/>). Shared with
    /// <c>generate --chat</c>.</summary>
    internal static ChatTemplate TemplateOf(CheckpointInfo checkpoint) => ChatCheckpoint.TemplateOf(checkpoint);

    internal ServerOptions BuildOptions(CliArgs args, out bool demo)
    {
        demo = args.Flag("demo");
        if ((demo ? 1 : 0) + (args.Get("checkpoint") is null ? 0 : 1) + (args.Get("cascade") is null ? 0 : 1) != 1)
            throw new UsageException("give exactly one of --demo, --checkpoint DIR and --cascade small=DIR,large=DIR", this);
        string host = args.Get("host") ?? "127.0.0.1";
        int port = args.GetInt("port", 8000, min: 0, max: 65535);
        var mode = args.Get("mode") switch
        {
            null or "continuous" => BatchingMode.Continuous,
            "static" => BatchingMode.Static,
            var m => throw new UsageException($"--mode must be continuous or static (got '{m}')", this),
        };
        ApiKeyStore? keys = ApiKeyStore.FromEnvironment();
        if (args.Get("api-keys-file") is { } file)
        {
            if (!File.Exists(file)) throw new InputException($"--api-keys-file '{file}' not found: one key per line");
            keys = ApiKeyStore.FromKeys(File.ReadAllLines(file));
        }
        var options = new ServerOptions
        {
            Url = string.Create(CultureInfo.InvariantCulture, $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{port}"),
            ModelId = args.Get("model-id") ?? (demo ? DemoModel.ModelId : args.Get("cascade") is null ? "llmlab" : "llmlab-cascade"),
            ApiKeys = keys is { Count: > 0 } ? keys : null,
            RequestsPerSecondPerKey = args.GetDouble("rate-limit", 20, min: 0),
            RateLimitBurst = args.Get("rate-burst") is null ? null : args.GetInt("rate-burst", 1, min: 1),
            DrainTimeout = TimeSpan.FromSeconds(args.GetDouble("drain-timeout", 30, min: 0)),
            MaxTokensLimit = args.GetInt("max-tokens-limit", 4096, min: 1),
            RequestTimeout = TimeSpan.FromSeconds(args.GetInt("timeout-s", 120, min: 1)),
            Scheduler = new SchedulerOptions(mode, args.GetInt("max-seqs", 16, min: 1, max: 4096),
                args.Get("max-kv-tokens") is null ? null : args.GetInt("max-kv-tokens", 0, min: 1)),
        };
        options.Validate();
        return options;
    }

    /// <summary>The live drift monitor of <c>--drift-reference</c> (null without it).</summary>
    internal static LlmLab.Monitoring.Requests.LiveDriftMonitor? DriftMonitor(CliArgs args)
    {
        int window = args.GetInt("drift-window", 500, min: 2, max: 1_000_000);
        if (args.Get("drift-reference") is not { } path)
            return args.Get("drift-window") is null ? null : throw new InputException("--drift-window needs --drift-reference ref.json");
        var reference = LlmLab.Monitoring.Drift.DriftReferenceFile.Load(path);
        return new LlmLab.Monitoring.Requests.LiveDriftMonitor(reference, window, minRequests: Math.Min(30, window));
    }

    static bool IsLoopback(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.IsLoopback || u.Host == "localhost");
}
