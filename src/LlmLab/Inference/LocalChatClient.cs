using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmLab.Inference;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="IChatClient"/> over a local model, so that later labs and users talk to our GPT
/// through the standard .NET interface (and can wrap it with its caching, logging or telemetry middleware). The
/// conversation is rendered by a <see cref="ChatTemplate"/>; <see cref="ChatOptions"/> map to
/// <see cref="SamplingParams"/> (temperature, top_p, top_k, max output tokens, stop sequences, seed; other options are
/// ignored and tools are refused). Thread-safe (the engine serialises generations). Does not own the engine's model.
/// </summary>
public sealed class LocalChatClient : IChatClient
{
    readonly GenerationEngine _engine;
    readonly ChatTemplate _template;

    /// <param name="engine">Generates the replies.</param>
    /// <param name="modelId">The name reported as the model id.</param>
    /// <param name="template">Null: <see cref="ChatTemplate.Transcript"/>.</param>
    /// <param name="defaults">Parameters used where the options say nothing (null: temperature 0.8, 256 tokens).</param>
    public LocalChatClient(GenerationEngine engine, string modelId, ChatTemplate? template = null, SamplingParams? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        (_engine, ModelId, _template) = (engine, modelId, template ?? ChatTemplate.Transcript);
        Defaults = defaults ?? new SamplingParams(Temperature: 0.8, MaxTokens: 256);
        Metadata = new ChatClientMetadata("llmlab", null, modelId);
    }

    public string ModelId { get; }
    public SamplingParams Defaults { get; }
    public ChatClientMetadata Metadata { get; }

    /// <summary>The sampling parameters a request with <paramref name="options"/> runs with.</summary>
    /// <exception cref="InputException">Tools were given, or an option is out of range.</exception>
    public SamplingParams ToSamplingParams(ChatOptions? options)
    {
        if (options?.Tools is { Count: > 0 }) throw new InputException("tools are not supported by the local chat client yet (Part 8 adds the agent loop)");
        var stops = _template.Stops.Concat(options?.StopSequences ?? []).ToArray();
        var stopIds = _template.StopTokenIds(_engine.Tokenizer).Concat(Defaults.StopTokens ?? []).Distinct().ToArray();
        var p = Defaults with
        {
            Temperature = options?.Temperature ?? Defaults.Temperature,
            TopP = options?.TopP ?? Defaults.TopP,
            TopK = options?.TopK ?? Defaults.TopK,
            MaxTokens = options?.MaxOutputTokens ?? Defaults.MaxTokens,
            Seed = options?.Seed ?? Defaults.Seed,
            Stop = stops,
            StopTokens = stopIds.Length == 0 ? Defaults.StopTokens : stopIds,
        };
        p.Validate();
        return p;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Ids, not text: content is encoded with special tokens off (a user's "<|end|>" stays text).
        var prompt = _template.Encode(messages, _engine.Tokenizer, addGenerationPrompt: true, options?.Instructions).Ids;
        var p = ToSamplingParams(options);
        // "logprobs": true in the options' additional properties puts each generated token's log-probability in the
        // response's AdditionalProperties["logprobs"] (a double[]; lab 10.3's cascade scorer reads it).
        bool logprobs = options?.AdditionalProperties?.TryGetValue("logprobs", out var lp) == true && lp is true;
        if (logprobs) p = p with { Logprobs = true };
        return Task.Run(() =>
        {
            var r = _engine.Generate(prompt, p, cancellationToken);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, r.Text.Trim()))
            {
                AdditionalProperties = logprobs ? new AdditionalPropertiesDictionary { ["logprobs"] = r.Logprobs?.Select(l => l.Logprob).ToArray() ?? [] }
                    : null,
                ModelId = ModelId,
                CreatedAt = DateTimeOffset.UtcNow,
                ResponseId = Guid.NewGuid().ToString("N"),
                FinishReason = Map(r.Finish),
                Usage = new UsageDetails { InputTokenCount = r.PromptTokens, OutputTokenCount = r.Tokens.Count, TotalTokenCount = r.PromptTokens + r.Tokens.Count },
            };
        }, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = _template.Encode(messages, _engine.Tokenizer, addGenerationPrompt: true, options?.Instructions).Ids;
        var p = ToSamplingParams(options);
        string id = Guid.NewGuid().ToString("N");
        bool started = false;
        await foreach (var chunk in _engine.StreamAsync(prompt, p, cancellationToken).ConfigureAwait(false))
        {
            string text = started ? chunk.Text : chunk.Text.TrimStart(); // the template leaves a space after "Assistant:"
            started |= text.Length > 0;
            if (text.Length == 0 && chunk.Finish is null) continue;
            yield return new ChatResponseUpdate(ChatRole.Assistant, text)
            {
                ModelId = ModelId, ResponseId = id, FinishReason = chunk.Finish is { } f ? Map(f) : null,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType == typeof(GenerationEngine) ? _engine
        : null;

    /// <summary>Nothing to release: the engine and model belong to the caller.</summary>
    public void Dispose() { }

    static ChatFinishReason Map(FinishReason f) => f == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
}
