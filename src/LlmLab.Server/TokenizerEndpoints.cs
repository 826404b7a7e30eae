using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmLab.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace LlmLab.Server;

/// <summary>
/// vLLM's utility endpoints, in vLLM's shapes (vllm/entrypoints/openai/protocol.py: TokenizeRequest, TokenizeResponse,
/// DetokenizeRequest, DetokenizeResponse): <c>POST /tokenize</c> (a prompt, or chat messages rendered by the server's
/// template), <c>POST /detokenize</c> and <c>GET /version</c>. Typed request and response records, read strictly (an
/// unknown field or a wrong type is a 400 naming it) and answered with <see cref="TypedResults"/>. Thread-safe.
/// </summary>
internal static class TokenizerEndpoints
{
    static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true,
    };

    /// <summary><c>/tokenize</c>: exactly one of prompt and messages. add_special_tokens is accepted for vLLM's clients;
    /// our tokenizers add no BOS/EOS either way.</summary>
    internal sealed record TokenizeRequest(string? Model = null, string? Prompt = null, JsonElement? Messages = null,
        bool AddSpecialTokens = true, bool AddGenerationPrompt = true, bool ReturnTokenStrs = false);

    internal sealed record TokenizeResponse(
        [property: JsonPropertyName("count")] int Count,
        [property: JsonPropertyName("max_model_len")] int MaxModelLen,
        [property: JsonPropertyName("tokens")] IReadOnlyList<int> Tokens,
        [property: JsonPropertyName("token_strs")] IReadOnlyList<string>? TokenStrs);

    internal sealed record DetokenizeRequest(IReadOnlyList<int> Tokens, string? Model = null);

    internal sealed record DetokenizeResponse([property: JsonPropertyName("prompt")] string Prompt);

    internal sealed record VersionResponse([property: JsonPropertyName("version")] string Version);

    /// <summary>Maps the three routes on <paramref name="root"/>.</summary>
    public static void Map(IEndpointRouteBuilder root, ServerOptions options, GenerationEngine engine)
    {
        root.MapPost("/tokenize", async Task<Ok<TokenizeResponse>> (HttpContext ctx) =>
            TypedResults.Ok(Tokenize(await Read<TokenizeRequest>(ctx), options, engine)));
        root.MapPost("/detokenize", async Task<Ok<DetokenizeResponse>> (HttpContext ctx) =>
            TypedResults.Ok(Detokenize(await Read<DetokenizeRequest>(ctx), options, engine)));
        string version = typeof(TokenizerEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        root.MapGet("/version", () => TypedResults.Ok(new VersionResponse(version.Split('+')[0])));
    }

    static TokenizeResponse Tokenize(TokenizeRequest r, ServerOptions o, GenerationEngine engine)
    {
        CheckModel(r.Model, o);
        if ((r.Prompt is null) == (r.Messages is null)) throw ApiError.BadField("prompt", "give exactly one of prompt and messages");
        IReadOnlyList<int> ids = r.Prompt is not null
            ? engine.Tokenizer.Encode(r.Prompt)
            : (o.ChatTemplate ?? ChatTemplate.Transcript).Encode(OpenAiMessages.Read(r.Messages), engine.Tokenizer,
                addGenerationPrompt: r.AddGenerationPrompt).Ids;
        var strs = r.ReturnTokenStrs ? ids.Select(id => engine.Tokenizer.Decode([id])).ToArray() : null;
        return new TokenizeResponse(ids.Count, engine.Context, ids, strs);
    }

    static DetokenizeResponse Detokenize(DetokenizeRequest r, ServerOptions o, GenerationEngine engine)
    {
        CheckModel(r.Model, o);
        int v = engine.Tokenizer.VocabSize;
        if (r.Tokens.FirstOrDefault(t => t < 0 || t >= v, -1) is var bad && r.Tokens.Any(t => t < 0 || t >= v))
            throw ApiError.BadField("tokens", $"tokens must be ids in 0..{v - 1} (got {bad})");
        return new DetokenizeResponse(engine.Tokenizer.Decode(r.Tokens.ToArray()));
    }

    static void CheckModel(string? model, ServerOptions o)
    {
        if (model is not null && model != o.ModelId)
            throw new ApiError(404, $"The model '{OpenAiMessages.Short(model)}' does not exist; this server serves '{o.ModelId}'",
                param: "model", code: "model_not_found");
    }

    /// <summary>The body as <typeparamref name="T"/>, strictly: a wrong type, a missing required field or an unknown
    /// one is a 400 naming its JSON path.</summary>
    static async Task<T> Read<T>(HttpContext ctx)
    {
        var body = await CompletionHandler.ReadBodyAsync(ctx);
        if (body.ValueKind != JsonValueKind.Object) throw new ApiError(400, "the request body must be a JSON object");
        try { return body.Deserialize<T>(Strict) ?? throw new ApiError(400, "the request body must be a JSON object"); }
        catch (JsonException e)
        {
            string param = e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "body";
            throw ApiError.BadField(param, $"invalid request: {e.Message.Split(". Path:")[0].Split(" Path:")[0]}");
        }
        catch (InvalidOperationException)
        {
            throw new ApiError(400, "the request body holds text that is not valid Unicode (invalid UTF-8, or a lone surrogate escape)");
        }
    }
}
