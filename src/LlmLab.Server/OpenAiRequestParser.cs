using System.Globalization;
using System.Text.Json;
using LlmLab.Inference;
using LlmLab.Inference.Json;
using static LlmLab.Server.JsonFields;

namespace LlmLab.Server;

/// <summary>
/// Reads an OpenAI request body into an <see cref="OpenAiRequest"/>, checking each field's type and range against the
/// OpenAI API reference and the server's bounds; a bad field is a 400 <see cref="ApiError"/> naming it (its
/// <c>param</c>), an unknown model a 404. Every field is either honoured or refused by name: fields we do not implement
/// (<see cref="Refused"/>) are refused when set to anything but their default, and a field we do not know at all is
/// refused as OpenAI does ("Unrecognized request argument"). docs/part-10.md lists them. Stateless and thread-safe.
/// </summary>
public static class OpenAiRequestParser
{
    static readonly HashSet<string> Common =
    [
        "model", "max_tokens", "temperature", "top_p", "n", "stream", "stream_options", "stop", "seed", "logprobs", "presence_penalty",
        "frequency_penalty", "logit_bias", "user", "response_format", "top_k", "min_p", "repetition_penalty", "ignore_eos", "stop_token_ids",
    ];
    static readonly HashSet<string> ChatOnly =
    [
        "messages", "max_completion_tokens", "top_logprobs", "store", "metadata", "service_tier", "modalities", "tools", "tool_choice",
        "parallel_tool_calls",
    ];
    static readonly HashSet<string> CompletionOnly = ["prompt", "echo", "suffix", "best_of"];
    static readonly HashSet<string> ChatFields = [.. Common, .. ChatOnly], CompletionFields = [.. Common, .. CompletionOnly];

    /// <summary>Fields refused whenever they are set (not null), with the reason given to the client.</summary>
    public static IReadOnlyDictionary<string, string> Refused { get; } = new Dictionary<string, string>
    {
        ["functions"] = "function calling is not supported",
        ["function_call"] = "function calling is not supported",
        ["suffix"] = "suffix needs a model trained for fill-in-the-middle; this server's models read left to right",
        ["reasoning_effort"] = "this model does not reason in a separate channel",
        ["prediction"] = "predicted outputs are not supported",
        ["audio"] = "audio output is not supported",
        ["web_search_options"] = "web search is not supported",
        ["verbosity"] = "verbosity is not supported",
    };

    /// <exception cref="ApiError">A field of the wrong type or out of range, an unknown or refused field, or an unknown model.</exception>
    public static OpenAiRequest Parse(JsonElement body, bool chat, ServerOptions o, GenerationEngine engine)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new ApiError(400, "the request body must be a JSON object");
        foreach (var (name, why) in Refused)
            if (Get(body, name) is not null) throw ApiError.BadField(name, $"{name} is not supported: {why}");
        OnlyKnown(body, chat ? ChatFields : CompletionFields);
        if (OptionalText(body, "model") is { } model && model != o.ModelId)
            throw new ApiError(404, $"The model '{OpenAiMessages.Short(model)}' does not exist; this server serves '{o.ModelId}' (GET /v1/models)",
                
                param: "model", code: "model_not_found");
        OptionalText(body, "user");                                                           // accepted: an end-user id, not used
        if (chat) RefuseChatExtras(body);
        var template = o.ChatTemplate ?? ChatTemplate.Transcript;
        var tools = chat ? OpenAiTools.Read(body, template, engine.Tokenizer) : null;
        IReadOnlyList<int> prompt;
        string? promptText = null;
        // A chat is encoded by its template, content with special tokens off (a user's "<|end|>" stays text).
        if (chat) prompt = OpenAiTools.Encode(OpenAiMessages.Read(Get(body, "messages"), OpenAiTools.HasFormat(template, engine.Tokenizer)),
            tools, template, engine.Tokenizer);
        else prompt = Prompt(body, engine, out promptText);
        string promptField = chat ? "messages" : "prompt";
        int promptLimit = Math.Min(o.MaxPromptTokens ?? int.MaxValue, engine.Context - 1);
        if (prompt.Count == 0) throw ApiError.BadField(promptField, $"{promptField} is empty: give at least one token of text");
        if (prompt.Count > promptLimit)
            throw ApiError.BadField(promptField,
                $"{promptField} has {prompt.Count:N0} tokens; this server accepts at most {promptLimit:N0} (the model's context is {engine.Context:N0})");

        // vLLM and OpenAI refuse prompt + max_tokens beyond the context rather than cutting the reply silently.
        int room = Math.Min(o.MaxTokensLimit, engine.Context - prompt.Count);
        string maxField = chat && Get(body, "max_completion_tokens") is not null ? "max_completion_tokens" : "max_tokens";
        int maxTokens = Int(body, maxField, chat ? room : Math.Min(o.DefaultMaxTokens, room), 1, o.MaxTokensLimit);
        if (maxTokens > room)
            throw ApiError.BadField(maxField,
                $"{maxField} is {maxTokens:N0} but the prompt has {prompt.Count:N0} tokens and the context is " +
                $"{engine.Context:N0}: at most {room:N0} tokens can be generated");
        double temperature = Number(body, "temperature", 1.0, 0, 2);
        double topP = Number(body, "top_p", 1.0, 0, 1, exclusiveMin: true);
        int topK = Int(body, "top_k", -1, -1, 1_000_000); // vLLM's extension; -1 = off
        if (topK == 0) throw ApiError.BadField("top_k", "top_k must be >= 1, or -1 for no cut");
        double minP = Number(body, "min_p", 0, 0, 1);
        double repetition = Number(body, "repetition_penalty", 1.0, 0.01, 10); // vLLM's extension
        double presence = Number(body, "presence_penalty", 0, -2, 2), frequency = Number(body, "frequency_penalty", 0, -2, 2);
        int n = Int(body, "n", 1, 1, o.MaxChoices);
        if (!chat && Get(body, "best_of") is not null && Int(body, "best_of", n, 1, o.MaxChoices) != n)
            throw ApiError.BadField("best_of", "best_of must equal n (this server returns every candidate it generates)");
        long? seed = Get(body, "seed") is { } s
            ? s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long sv) ? sv : throw ApiError.BadField("seed",
                "seed must be an integer in the 64-bit range")
            : null;
        bool stream = Bool(body, "stream", false);
        bool includeUsage = false;
        if (Get(body, "stream_options") is { } so)
        {
            if (!stream) throw ApiError.BadField("stream_options", "stream_options is only allowed when stream is true");
            if (so.ValueKind != JsonValueKind.Object) throw ApiError.BadField("stream_options", "stream_options must be an object");
            OnlyKnown(so, new HashSet<string> { "include_usage" }, "stream_options.");
            includeUsage = Bool(so, "include_usage", false, "stream_options.include_usage");
        }
        bool logprobs;
        int top;
        if (chat)
        {
            logprobs = Bool(body, "logprobs", false);
            top = Int(body, "top_logprobs", 0, 0, 20);
            if (top > 0 && !logprobs) throw ApiError.BadField("top_logprobs", "top_logprobs needs logprobs: true");
        }
        else
        {
            top = Int(body, "logprobs", -1, 0, 5); // legacy completions: an integer, the alternatives per token
            logprobs = top >= 0;
            top = Math.Max(0, top);
        }
        bool echo = !chat && Bool(body, "echo", false);
        if (echo && logprobs) throw ApiError.BadField("echo",
            "echo cannot be combined with logprobs here (the prompt's log-probabilities are not computed)");
        var json = ResponseFormat(body);
        if (tools is { ReadsCalls: true } && (json is not null || logprobs))
            throw ApiError.BadField(json is not null ? "response_format" : "logprobs", (json is not null ? "response_format" : "logprobs") +
                " cannot be combined with tools here (a call is read from the whole reply); send tool_choice: none to use it");
        json = tools?.Constraint ?? json;
        var stops = Stops(body);
        var stopIds = StopTokenIds(body, engine);
        bool ignoreEos = Bool(body, "ignore_eos", false);
        if (json is not null && (stops.Count > 0 || stopIds.Count > 0))
            throw ApiError.BadField(stops.Count > 0 ? "stop" : "stop_token_ids",
                "stop cannot be combined with a JSON response_format or a forced tool call: the reply ends when the value is complete");
        List<int> stopTokens = [.. chat && template.UsesSpecialTokens && !ignoreEos ? template.StopTokenIds(engine.Tokenizer) : [], .. stopIds];
        var p = new SamplingParams(Temperature: temperature, TopK: topK > 0 ? topK : null, TopP: topP, MinP: minP, RepetitionPenalty: repetition,
            MaxTokens: maxTokens, Stop: json is not null ? [] : chat ? [.. template.Stops, .. stops] : stops,
            StopTokens: json is not null || stopTokens.Count == 0 ? null : stopTokens, Seed: seed, Logprobs: logprobs,
            TopLogprobs: top, LogitBias: OpenAiTools.Bias(LogitBias(body, engine), tools, engine.Tokenizer), PresencePenalty: presence, FrequencyPenalty: frequency, Json: json);
        string? echoText = echo ? promptText ?? engine.Tokenizer.Decode(prompt.ToArray()) : null;
        return new OpenAiRequest(chat, prompt, p, n, stream, includeUsage, top, echoText, tools);
    }

    /// <summary>Chat fields accepted only at their default: store (false), metadata (only kept with store),
    /// service_tier (auto/default), modalities (["text"]).</summary>
    static void RefuseChatExtras(JsonElement body)
    {
        if (Bool(body, "store", false)) throw ApiError.BadField("store", "store is not supported: this server keeps no completions");
        if (Get(body, "metadata") is not null) throw ApiError.BadField("metadata",
            "metadata is not supported (it is only kept with store)");
        if (OptionalText(body, "service_tier") is { } tier && tier is not ("auto" or "default"))
            throw ApiError.BadField("service_tier", "service_tier must be auto or default: this server has one tier");
        if (Get(body, "modalities") is { } m && (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() != 1 || Str(m[0], "modalities[0]") != "text"))
            throw ApiError.BadField("modalities", "modalities must be [\"text\"]: this model writes text only");
    }

    static IReadOnlyList<int> Prompt(JsonElement body, GenerationEngine engine, out string? text)
    {
        text = null;
        var p = Get(body, "prompt") ?? throw ApiError.BadField("prompt", "prompt is required: a string (or an array of token ids)");
        if (p.ValueKind == JsonValueKind.String) return engine.Tokenizer.Encode(text = Str(p, "prompt"));
        if (p.ValueKind == JsonValueKind.Array)
        {
            var items = p.EnumerateArray().ToList();
            if (items.Count == 1 && items[0].ValueKind == JsonValueKind.String) return engine.Tokenizer.Encode(text = Str(items[0], "prompt[0]"));
            if (items.Count > 0 && items.All(x => x.ValueKind == JsonValueKind.Number)) return TokenIds(items, engine, "prompt");
        }
        throw ApiError.BadField("prompt",
            "prompt must be a string, a one-string array, or an array of token ids (one prompt per request: send several requests)");
    }

    static List<int> TokenIds(IEnumerable<JsonElement> items, GenerationEngine engine, string param)
    {
        int v = engine.Tokenizer.VocabSize;
        return items.Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int id) && id >= 0 && id < v ? id
            : throw ApiError.BadField(param, $"{param} must hold token ids: integers in 0..{v - 1}")).ToList();
    }

    static List<int> StopTokenIds(JsonElement body, GenerationEngine engine)
    {
        if (Get(body, "stop_token_ids") is not { } s) return [];
        if (s.ValueKind != JsonValueKind.Array) throw ApiError.BadField("stop_token_ids", "stop_token_ids must be an array of token ids");
        return TokenIds(s.EnumerateArray(), engine, "stop_token_ids");
    }

    static List<string> Stops(JsonElement body)
    {
        var s = Get(body, "stop");
        if (s is null) return [];
        var list = s.Value.ValueKind == JsonValueKind.String ? [Str(s.Value, "stop")]
            : s.Value.ValueKind == JsonValueKind.Array && s.Value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
                ? s.Value.EnumerateArray().Select(x => Str(x, "stop")).ToList()
                : throw ApiError.BadField("stop", "stop must be a string or an array of strings");
        if (list.Count > 4) throw ApiError.BadField("stop", $"stop takes up to 4 sequences (got {list.Count})");
        if (list.Any(x => x.Length == 0)) throw ApiError.BadField("stop", "stop sequences must be non-empty");
        return list;
    }

    /// <summary>OpenAI's logit_bias: token ids (as JSON object keys) to biases in [-100, 100].</summary>
    static Dictionary<int, double>? LogitBias(JsonElement body, GenerationEngine engine)
    {
        if (Get(body, "logit_bias") is not { } b) return null;
        if (b.ValueKind != JsonValueKind.Object) throw ApiError.BadField("logit_bias", "logit_bias must be an object of token id → bias");
        var map = new Dictionary<int, double>();
        int v = engine.Tokenizer.VocabSize;
        foreach (var kv in b.EnumerateObject())
        {
            string key;
            try { key = kv.Name; }
            catch (InvalidOperationException) { throw ApiError.BadField("logit_bias",
                "logit_bias keys must be token ids (a key is not valid Unicode)"); }
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id >= v)
                throw ApiError.BadField("logit_bias",
                    $"logit_bias keys must be token ids in 0..{v - 1} (got '{OpenAiMessages.Short(key)}')");
            if (kv.Value.ValueKind != JsonValueKind.Number || !kv.Value.TryGetDouble(out double bias) || !(bias >= -100 && bias <= 100))
                throw ApiError.BadField("logit_bias", $"logit_bias[{id}] must be a number in [-100, 100]");
            map[id] = bias;
        }
        return map.Count == 0 ? null : map;
    }

    /// <summary>response_format: text, json_object (any object) or json_schema (the <see cref="JsonSchemaSubset"/>).</summary>
    static JsonSchemaSubset? ResponseFormat(JsonElement body)
    {
        if (Get(body, "response_format") is not { } rf) return null;
        if (rf.ValueKind != JsonValueKind.Object) throw ApiError.BadField("response_format",
            "response_format must be an object with a type");
        string type = OptionalText(rf, "type", "response_format.type") ?? throw ApiError.BadField("response_format.type",
            "response_format.type is required");
        switch (type)
        {
            case "text": OnlyKnown(rf, new HashSet<string> { "type" }, "response_format."); return null;
            case "json_object": OnlyKnown(rf, new HashSet<string> { "type" }, "response_format."); return JsonSchemaSubset.AnyObject;
            case "json_schema":
                OnlyKnown(rf, new HashSet<string> { "type", "json_schema" }, "response_format.");
                if (Get(rf, "json_schema") is not { ValueKind: JsonValueKind.Object } js)
                    throw ApiError.BadField("response_format.json_schema",
                        "response_format.json_schema must be an object with name and schema");
                OnlyKnown(js, new HashSet<string> { "name", "schema", "strict", "description" }, "response_format.json_schema.");
                OptionalText(js, "name", "response_format.json_schema.name");
                OptionalText(js, "description", "response_format.json_schema.description");
                Bool(js, "strict", false, "response_format.json_schema.strict");
                if (Get(js, "schema") is not { } schema) return JsonSchemaSubset.Any;
                try { return JsonSchemaSubset.Parse(schema, "response_format.json_schema.schema"); }
                catch (InputException e) { throw ApiError.BadField("response_format.json_schema.schema", e.Message); }
                catch (InvalidOperationException)                                       // a name or string that is not valid Unicode
                {
                    throw ApiError.BadField("response_format.json_schema.schema",
                        "response_format.json_schema.schema holds text that is not valid Unicode");
                }
            default:
                throw ApiError.BadField("response_format.type",
                    $"response_format.type must be text, json_object or json_schema (got '{OpenAiMessages.Short(type)}')");
        }
    }
}
