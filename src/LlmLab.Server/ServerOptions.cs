using LlmLab.Inference;
using LlmLab.Inference.Serving;

namespace LlmLab.Server;

/// <summary>
/// How an <see cref="LlmLabServer"/> listens, authenticates, limits and batches. Immutable; every bound has the reason
/// for its default beside it.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>Where Kestrel listens; port 0 = a free port (read <see cref="LlmLabServer.BaseAddress"/>).</summary>
    public string Url { get; init; } = "http://127.0.0.1:8000"; // loopback by default: exposing a server is a decision

    /// <summary>The id <c>/v1/models</c> lists and requests must name (or omit).</summary>
    public string ModelId { get; init; } = "llmlab";

    /// <summary>Accepted API keys (hashed); null or empty = no authentication (loopback development only).</summary>
    public ApiKeyStore? ApiKeys { get; init; }

    /// <summary>Requests per second per API key (or per client address without keys), token-bucket refill; 0 = no limit.</summary>
    public double RequestsPerSecondPerKey { get; init; } = 20; // a chatty client, not a flood; raise it behind a trusted gateway

    /// <summary>Requests a key may send at once before the steady rate applies (the token bucket's size); null = one
    /// second's worth of the rate (<c>--rate-burst</c>).</summary>
    public int? RateLimitBurst { get; init; }

    /// <summary>Failed authentications allowed per client address per minute before it gets 429 (a key-guessing loop
    /// must not run at full speed); 0 = no limit.</summary>
    public int AuthFailuresPerMinute { get; init; } = 10; // a person mistyping a key a few times is never blocked

    /// <summary>Largest request body in bytes (413 beyond).</summary>
    public long MaxRequestBodyBytes { get; init; } = 1 << 20; // 1 MiB: far more than any prompt our models' contexts hold

    /// <summary>Largest <c>max_tokens</c> accepted (400 beyond).</summary>
    public int MaxTokensLimit { get; init; } = 4096;

    /// <summary><c>max_tokens</c> when a completion request gives none (OpenAI's legacy completions default is 16).</summary>
    public int DefaultMaxTokens { get; init; } = 16;

    /// <summary>Longest prompt in tokens (400 beyond); null = the model's context.</summary>
    public int? MaxPromptTokens { get; init; }

    /// <summary>Largest <c>n</c> (choices per request) accepted.</summary>
    public int MaxChoices { get; init; } = 8; // each choice is a sequence in the batch: n multiplies a request's cost

    /// <summary>A request still running after this is cancelled (504, or an error event on a stream).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a shutdown lets running requests finish (<c>--drain-timeout</c>). While it drains, the listener
    /// stays open: <c>/ready</c> answers 503, new and queued requests get 503 with Retry-After, and running ones continue;
    /// at the deadline those still running are cut (an error event on a stream, 503 otherwise).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30); // Kubernetes' default grace period is 30 s

    /// <summary>The batching scheduler's mode and limits.</summary>
    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Renders chat messages into a prompt (null: <see cref="ChatTemplate.Transcript"/>).</summary>
    public ChatTemplate? ChatTemplate { get; init; }

    /// <summary>The model behind <c>/v1/embeddings</c> (null: none, the route answers 404). Not owned by the server.</summary>
    public Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>? Embeddings { get; init; }

    /// <summary>Lab 7.3's refusal gate in front of <c>/v1/chat/completions</c> (null: none). Not owned by the server.</summary>
    public LlmLab.Alignment.Refusal.RefusalGate? RefusalGate { get; init; }

    /// <summary>Opt-in capture of every finished completion request, prompt and reply in clear text (null: off). Not owned.</summary>
    public LlmLab.Monitoring.Requests.RequestCapture? CaptureRequests { get; init; }

    /// <summary>Live drift monitor fed with each request's features (no text) and exported as gauges (null: off).</summary>
    public LlmLab.Monitoring.Requests.LiveDriftMonitor? DriftMonitor { get; init; }

    /// <summary>The response cache in front of the completion routes (<c>--cache</c>; null: off). Not owned by the server.</summary>
    public ServerResponseCache? Cache { get; init; }

    /// <summary>A small/large cascade answering <c>/v1/chat/completions</c> (<c>--cascade</c>; null: the engine does). Not owned.</summary>
    public CascadeEndpoint? Cascade { get; init; }

    /// <exception cref="InputException">A bound out of range, named.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelId)) throw new InputException("the model id must not be empty (--model-id)");
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            throw new InputException($"the listen URL '{Url}' is not an http(s) URL: give e.g. http://127.0.0.1:8000");
        if (RequestsPerSecondPerKey < 0) throw new InputException($"the rate limit must be >= 0 requests/s (got {RequestsPerSecondPerKey}); 0 = off");
        if (RateLimitBurst is < 1) throw new InputException($"the rate-limit burst must be >= 1 (got {RateLimitBurst}) (--rate-burst)");
        if (AuthFailuresPerMinute < 0) throw new InputException($"the failed-authentication limit must be >= 0 (got {AuthFailuresPerMinute})");
        if (MaxRequestBodyBytes < 1024) throw new InputException($"the body limit must be >= 1024 bytes (got {MaxRequestBodyBytes})");
        if (MaxTokensLimit < 1 || DefaultMaxTokens < 1 || DefaultMaxTokens > MaxTokensLimit)
            throw new InputException($"need 1 <= default max_tokens ({DefaultMaxTokens}) <= max_tokens limit ({MaxTokensLimit})");
        if (MaxPromptTokens is < 1) throw new InputException($"the prompt limit must be >= 1 token (got {MaxPromptTokens})");
        if (MaxChoices < 1) throw new InputException($"the n limit must be >= 1 (got {MaxChoices})");
        if (RequestTimeout <= TimeSpan.Zero) throw new InputException("the request timeout must be positive (--timeout-s)");
        if (DrainTimeout < TimeSpan.Zero) throw new InputException($"the drain timeout must be >= 0 s (got {DrainTimeout.TotalSeconds}) (--drain-timeout)");
        Scheduler.Validate();
    }
}
